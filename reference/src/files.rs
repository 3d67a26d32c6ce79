//! The reference cases as files: a CSV data directory and a TOML scenario
//! file in the formats the library and its command line read.

use std::fmt::Write as _;
use std::path::Path;

use crate::data::RefData;
use crate::policy::{RefAction, RefScenario};
use crate::unions::RefCet;

fn num(v: f64) -> String {
    if v.is_infinite() {
        "inf".to_string()
    } else {
        format!("{v}")
    }
}

/// Writes `d` as a CSV data directory (with a `source` column to be ignored).
pub fn write_data_dir(d: &RefData, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut c = String::from("code,name,source\n");
    for code in &d.codes {
        writeln!(c, "{code},Country {code},test").unwrap();
    }
    let mut s = String::from("code,name,sigma_m,sigma_d,eta,epsilon,source\n");
    let mut f = String::from("sector,exporter,importer,value\n");
    let mut t = String::from("sector,exporter,importer,rate\n");
    let mut nt = String::from("sector,exporter,importer,rate\n");
    let mut su = String::from("sector,country,epsilon\n");
    for sec in &d.sectors {
        writeln!(
            s,
            "{},Sector {},{},{},{},{},test",
            sec.code,
            sec.code,
            sec.sigma_m,
            sec.sigma_d,
            sec.eta,
            num(sec.eps[0])
        )
        .unwrap();
        for i in 0..d.n() {
            for j in 0..d.n() {
                if sec.x0[i][j] != 0.0 {
                    writeln!(
                        f,
                        "{},{},{},{}",
                        sec.code, d.codes[i], d.codes[j], sec.x0[i][j]
                    )
                    .unwrap();
                }
                if sec.t0[i][j] != 0.0 {
                    writeln!(
                        t,
                        "{},{},{},{}",
                        sec.code, d.codes[i], d.codes[j], sec.t0[i][j]
                    )
                    .unwrap();
                }
                if sec.c0[i][j] != 0.0 {
                    writeln!(
                        nt,
                        "{},{},{},{}",
                        sec.code, d.codes[i], d.codes[j], sec.c0[i][j]
                    )
                    .unwrap();
                }
            }
            if sec.eps[i] != sec.eps[0] {
                writeln!(su, "{},{},{}", sec.code, d.codes[i], num(sec.eps[i])).unwrap();
            }
        }
    }
    for (name, body) in [
        ("countries.csv", c),
        ("sectors.csv", s),
        ("flows.csv", f),
        ("tariffs.csv", t),
        ("ntb.csv", nt),
        ("supply.csv", su),
    ] {
        std::fs::write(dir.join(name), body).unwrap();
    }
}

fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The scenarios as a TOML scenario file.
pub fn scenario_toml(d: &RefData, scs: &[RefScenario]) -> String {
    let code = |c: Option<usize>| toml_str(&c.map_or("*".to_string(), |c| d.codes[c].clone()));
    let sector =
        |s: Option<usize>| toml_str(&s.map_or("*".to_string(), |s| d.sectors[s].code.clone()));
    let mut o = String::new();
    for sc in scs {
        writeln!(o, "[[scenario]]\nname = {}", toml_str(&sc.name)).unwrap();
        if let Some(p) = &sc.extends {
            writeln!(o, "extends = {}", toml_str(p)).unwrap();
        }
        for u in &sc.unions {
            let members: Vec<String> = u.members.iter().map(|&m| toml_str(&d.codes[m])).collect();
            writeln!(
                o,
                "[[scenario.union]]\nname = {}\nmembers = [{}]\ninternal_tariff = {:?}\nntb_cut = {:?}",
                toml_str(&u.name),
                members.join(", "),
                u.internal,
                u.ntb_cut
            )
            .unwrap();
            let cet = match &u.cet {
                RefCet::Adopt(m) => format!(
                    "{{ rule = \"adopt\", country = {} }}",
                    toml_str(&d.codes[*m])
                ),
                RefCet::TradeWeighted => "{ rule = \"trade_weighted\" }".to_string(),
                RefCet::SimpleAverage => "{ rule = \"simple_average\" }".to_string(),
                RefCet::Min => "{ rule = \"min\" }".to_string(),
                RefCet::Max => "{ rule = \"max\" }".to_string(),
                RefCet::None => "{ rule = \"none\" }".to_string(),
                RefCet::Schedule { rates, exceptions } => {
                    let r: Vec<String> = rates
                        .iter()
                        .map(|&(s, v)| format!("{} = {v:?}", sector(s)))
                        .collect();
                    let e: Vec<String> = exceptions
                        .iter()
                        .map(|&(m, s, v)| {
                            format!(
                                "{{ member = {}, sector = {}, rate = {v:?} }}",
                                toml_str(&d.codes[m]),
                                sector(Some(s))
                            )
                        })
                        .collect();
                    format!(
                        "{{ rule = \"schedule\", rates = {{ {} }}, exceptions = [{}] }}",
                        r.join(", "),
                        e.join(", ")
                    )
                }
            };
            writeln!(o, "cet = {cet}").unwrap();
            if let Some(sh) = &u.shares {
                let s: Vec<String> = u
                    .members
                    .iter()
                    .zip(sh)
                    .map(|(&m, v)| format!("{} = {v:?}", toml_str(&d.codes[m])))
                    .collect();
                writeln!(o, "revenue_sharing = {{ {} }}", s.join(", ")).unwrap();
            }
        }
        for ch in &sc.changes {
            let table = if ch.ntb { "ntb" } else { "tariff" };
            writeln!(
                o,
                "[[scenario.{table}]]\nimporter = {}\nexporter = {}\nsector = {}",
                code(ch.importer),
                code(ch.exporter),
                sector(ch.sector)
            )
            .unwrap();
            match ch.action {
                RefAction::Set(v) => writeln!(o, "set = {v:?}"),
                RefAction::Add(v) => writeln!(o, "add = {v:?}"),
                RefAction::Scale(v) => writeln!(o, "scale = {v:?}"),
                RefAction::Ban => writeln!(o, "ban = true"),
            }
            .unwrap();
            if let Some(c) = &ch.component {
                writeln!(o, "component = {}", toml_str(c)).unwrap();
            }
        }
        o.push('\n');
    }
    o
}
