//! Who gains from the Eurasian Economic Union of 2015, and how sure can we
//! be, given that the border costs, the union's depth and the elasticities
//! are all uncertain?
//!
//! Runs `scenarios/eaeu_2015.toml` on the embedded 2009 dataset — the 2011
//! customs union of Kazakhstan, Russia and Belarus, and the 2015 EAEU
//! (Kyrgyzstan joins, the CET on its WTO path, the EAEU duty shares) — plus
//! a CET-only stage (the 2010 CET alone: no pooling, no border-cost cut), so
//! that the "CET alone" loss has its own band. Besides the file's elasticity
//! priors (one scale factor for every sector's sigmas, uniform 0.45–1.3 of
//! the GTAP values with the rule of two, wide enough to reach the import
//! response of the gravity evidence in docs/data.md; eta uniform 0.5–1.5;
//! log-normal supply elasticities), two assumptions the data docs call
//! unsourced are drawn:
//! - the border-cost wedge among the members (10% in the data, stated range
//!   5–20%): every wedge of the data scaled by one shared draw, uniform 0.5–2;
//! - how much of it the union removed: the union's `ntb_cut` (0.5 in the
//!   file) scaled by a draw uniform 0.5–1.5, in every stage.
//!
//! 4,000 draws with common random numbers: every scenario sees the same
//! draws, so the differences are paired draw by draw.
//!
//! Expected output (4,000 draws, seed 2015): the CET alone costs Kazakhstan
//! in every draw (US$ −144 million, 90% band −194 to −94) while Russia and
//! Belarus gain a little. With the union's border-cost cut, Kazakhstan and
//! Belarus gain in every draw of 2011 and 2015, Russia in 97.5% of the 2011
//! draws (P(gain) 0.975 ± 0.002) and in every 2015 draw; Kyrgyzstan loses in
//! every 2015 draw (about −190). The bands are wide — Kazakhstan's 2015 gain
//! runs from about 210 to 1,430 — and the sampled wedge explains most of
//! their width: the rank correlation of every member's welfare with the
//! wedge is about 0.76, with the union's `ntb_cut` about 0.62, with the
//! elasticity scale below 0.15. Binned by the wedge, Kazakhstan's median gain
//! rises from about 300 (wedge 5–7.5%) to about 1,060 (17.5–20%).
//! Charts in `out/eaeu_2015_monte_carlo/`: welfare against the sampled wedge,
//! each member's welfare distribution, and Kazakhstan's imports by partner
//! before and after with 90% bands.
//!
//! `cargo run --release --example eaeu_2015_monte_carlo`

use customs_union::ModelVariant;
use customs_union::io::embedded::EmbeddedDataset;
use customs_union::io::mc_files::{Overrides, prepare_run};
use customs_union::io::parse_scenario_file;
use customs_union::monte_carlo::{McSummary, Metric, RunControl, Tracked};
use customs_union::report::chart::{self, CategoryChart, Histogram, Series};
use customs_union::report::format;

#[path = "common/mod.rs"]
mod common;

const MEMBERS: [&str; 4] = ["KAZ", "RUS", "BLR", "KGZ"];
const DRAWS: u64 = 4000;

/// The CET-only stage added to the file's scenarios.
const CET_ONLY: &str = r#"
[[scenario]]
name = "cet-only"
description = "the 2010 CET alone: Kazakhstan and Belarus adopt Russia's schedule; no pooling, border costs unchanged"
[[scenario.union]]
name = "CU"
members = ["KAZ", "RUS", "BLR"]
cet = { rule = "adopt", country = "RUS" }
"#;

/// The policy and data uncertainty added to the file's elasticity priors.
const POLICY_PRIORS: &str = r#"
# the border-cost wedge (10% in the data, stated range 5-20%): one shared factor
[[montecarlo.vary]]
param = "ntb"
shared = true
dist = { kind = "uniform", low = 0.5, high = 2.0 }

# how much of it the union removed: its ntb_cut (0.5) times 0.5-1.5, every stage
[[montecarlo.vary]]
param = "ntb_cut"
union = "CU"
dist = { kind = "uniform", low = 0.5, high = 1.5 }
"#;

/// The study: the file's scenarios and priors, the CET-only stage, the
/// policy priors, and Kazakhstan's imports from every partner tracked.
fn study(partners: &[String], sectors: &[String]) -> String {
    let file = include_str!("../scenarios/eaeu_2015.toml");
    let track: Vec<String> = sectors
        .iter()
        .flat_map(|s| {
            partners.iter().map(move |p| {
                format!("{{ sector = \"{s}\", exporter = \"{p}\", importer = \"KAZ\" }}")
            })
        })
        .collect();
    let file = file.replacen(
        "[montecarlo]\n",
        &format!("[montecarlo]\ntrack = [{}]\n", track.join(", ")),
        1,
    );
    format!("{file}\n{POLICY_PRIORS}\n{CET_ONLY}")
}

/// Monte Carlo standard error of a share of draws `p` over `n` draws.
fn share_se(p: f64, n: u64) -> f64 {
    (p * (1.0 - p) / n as f64).sqrt()
}

/// Ranks of `v` (1-based, ties averaged).
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        for &k in &idx[i..=j] {
            r[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation of `a` and `b`.
fn rank_correlation(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    sab / (saa * sbb).sqrt()
}

/// The 5th, 50th and 95th percentiles of `v` (linear interpolation).
fn band(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let h = (v.len() - 1) as f64 * p;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        v[lo] + (h - h.floor()) * (v[hi] - v[lo])
    };
    (q(0.05), q(0.5), q(0.95))
}

fn show(title: &str, metric: &dyn Fn(&str) -> Option<Metric>) {
    println!("{title}");
    println!(
        "  {:<5} {:>9} {:>8} {:>7} {:>9} {:>9} {:>9} {:>16}",
        "", "mean", "sd", "mcse", "p05", "p50", "p95", "P(gain) ± mcse"
    );
    let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
    for code in MEMBERS {
        let Some(m) = metric(code) else { continue };
        let p = m.share_positive.unwrap_or(f64::NAN);
        println!(
            "  {:<5} {:>9} {:>8} {:>7} {:>9} {:>9} {:>9} {:>9.3} ± {:.3}",
            code,
            f(m.mean),
            f(m.sd),
            m.mcse.map_or("-".into(), |v| format!("{v:.2}")),
            f(m.p05),
            f(m.p50),
            f(m.p95),
            p,
            share_se(p, m.ok)
        );
    }
    println!();
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let loaded = EmbeddedDataset::Eaeu2009.load()?;
    let data = &loaded.dataset;
    let partners: Vec<String> = data
        .countries()
        .iter()
        .map(|c| c.code.clone())
        .filter(|c| c != "KAZ")
        .collect();
    let sectors: Vec<String> = data.sectors().iter().map(|s| s.code.clone()).collect();
    let text = study(&partners, &sectors);
    let file = parse_scenario_file(&text, "eaeu_2015 study (examples/eaeu_2015_monte_carlo.rs)")?;
    let overrides = Overrides {
        draws: Some(DRAWS),
        seed: None,
    };
    let run = prepare_run(&loaded, &file, overrides, ModelVariant::Armington, None)?;
    let start = std::time::Instant::now();
    let block = run.mc.run(&RunControl::default())?;
    let elapsed = start.elapsed();
    let summary = run.summarize(block)?;
    println!(
        "{} draws ({} failed) in {:.2} s; seed {}, fingerprint {}…\n",
        summary.draws,
        summary.failed,
        elapsed.as_secs_f64(),
        summary.seed,
        &summary.fingerprint[..12]
    );
    for s in &summary.scenarios {
        show(&format!("welfare, {} (US$ million)", s.name), &|c| {
            s.entity(c).and_then(|m| m.get("welfare")).copied()
        });
    }
    for d in &summary.differences {
        show(
            &format!("welfare, {} minus {} (paired draws)", d.scenario, d.minus),
            &|c| d.entity(c).and_then(|m| m.get("welfare")).copied(),
        );
    }

    // which assumption drives the answer: each draw's wedge, cut and sigma scale
    let failed: Vec<u64> = summary.failures.iter().map(|f| f.draw).collect();
    let ok: Vec<u64> = (0..summary.draws).filter(|k| !failed.contains(k)).collect();
    let labels = &run.meta.parameters;
    let column = |label: &str, base: f64| -> Vec<f64> {
        let at = labels
            .iter()
            .position(|l| l == label)
            .expect("a varied item");
        ok.iter()
            .map(|&k| run.mc.parameters(k)[at] / base)
            .collect()
    };
    let kaz_rus = data.markets()[0].ntb().get(
        data.country_id("RUS").expect("RUS").0,
        data.country_id("KAZ").expect("KAZ").0,
    );
    // the drawn wedge on Russia's sales to Kazakhstan (every wedge moves with it)
    let wedge = column("ntb.AGF.RUS->KAZ", 1.0);
    let cut = column("ntb_cut.CU", 1.0);
    let mach = data.sector_id("MACH").expect("MACH").0;
    let sigma = column(
        "sigma_m.MACH",
        data.sectors()[mach].elasticities.sigma_import,
    );
    let last = "eaeu-2015";
    println!("rank correlation of welfare ({last}) with each drawn assumption:");
    println!(
        "  {:<5} {:>12} {:>12} {:>12}",
        "", "wedge", "ntb_cut", "sigma scale"
    );
    for code in MEMBERS {
        let w = summary.series(last, code, "welfare").expect("member");
        println!(
            "  {:<5} {:>12.2} {:>12.2} {:>12.2}",
            code,
            rank_correlation(&w, &wedge),
            rank_correlation(&w, &cut),
            rank_correlation(&w, &sigma)
        );
    }
    println!();

    let dir = common::out_dir("eaeu_2015_monte_carlo");
    wedge_chart(&summary, last, &wedge, kaz_rus, &dir)?;
    distributions(&summary, last, &dir)?;
    imports_chart(&summary, last, data, &partners, &sectors, &dir)?;
    println!("charts written to {}", dir.display());
    Ok(())
}

/// Welfare against the sampled wedge: each member's median and 90% band
/// within bins of the drawn wedge (a rate; `data_wedge` is the data's).
fn wedge_chart(
    summary: &McSummary,
    scenario: &str,
    wedge: &[f64],
    data_wedge: f64,
    dir: &std::path::Path,
) -> std::io::Result<()> {
    let edges: Vec<f64> = (0..=6).map(|i| 0.05 + 0.025 * f64::from(i)).collect();
    let bin = |w: f64| {
        edges.windows(2).position(|e| w >= e[0] && w < e[1]).or(
            // the top edge belongs to the last bin
            (w >= edges[6]).then_some(5),
        )
    };
    let labels: Vec<String> = edges
        .windows(2)
        .map(|e| format!("{:.1}–{:.1}%", 100.0 * e[0], 100.0 * e[1]))
        .collect();
    let mut chart = CategoryChart::new(
        format!("Members' welfare in the EAEU ({scenario}) against the sampled border-cost wedge"),
        "US$ million per year; the wedge is the tariff-equivalent border cost among members",
        labels.clone(),
    )
    .subtitle(format!(
        "Median and 90% band of the draws in each bin of the wedge ({} draws; the data assume {:.0}%, \
         stated range 5–20%).",
        format::count(wedge.len() as u64),
        100.0 * data_wedge
    ))
    .interval_label("90% band of the draws in the bin");
    println!("welfare ({scenario}) by sampled wedge: median [90% band], US$ million");
    print!("  {:<5}", "");
    for l in &labels {
        print!(" {l:>24}");
    }
    println!();
    for code in MEMBERS {
        let w = summary.series(scenario, code, "welfare").expect("member");
        let mut per_bin: Vec<Vec<f64>> = vec![Vec::new(); labels.len()];
        for (v, &x) in w.iter().zip(wedge) {
            if let Some(b) = bin(x) {
                per_bin[b].push(*v);
            }
        }
        let bands: Vec<(f64, f64, f64)> = per_bin.into_iter().map(band).collect();
        print!("  {code:<5}");
        for b in &bands {
            print!(" {:>24}", format!("{:.0} [{:.0}, {:.0}]", b.1, b.0, b.2));
        }
        println!();
        chart = chart.series(
            Series::dots(code, bands.iter().map(|b| b.1).collect())
                .intervals(bands.iter().map(|b| (b.0, b.2)).collect()),
        );
    }
    println!();
    common::save(&dir.join("welfare_by_wedge.svg"), &chart.figure())
}

/// Each member's welfare distribution.
fn distributions(
    summary: &McSummary,
    scenario: &str,
    dir: &std::path::Path,
) -> std::io::Result<()> {
    let mut panels = Vec::new();
    for code in MEMBERS {
        let vals = summary.series(scenario, code, "welfare").expect("member");
        let m = *summary
            .metric(scenario, code, "welfare")
            .expect("welfare metric");
        let mut h = Histogram::new(
            format!("{code}: change from the 2009 baseline"),
            "US$ million per year",
            vals,
        )
        .subtitle(format!(
            "{} draws ({} failed); P(gain) {}",
            format::count(m.ok),
            m.failed,
            m.share_positive.map_or("-".to_string(), format::share)
        ));
        if let (Some(lo), Some(hi)) = (m.p05, m.p95) {
            h = h.band(lo, hi);
        }
        if let Some(med) = m.p50 {
            h = h.median(med);
        }
        panels.push(h.figure());
    }
    common::save(
        &dir.join("welfare_distributions.svg"),
        &chart::grid(
            &panels,
            2,
            "Members' welfare in the Eurasian Economic Union (2015): distribution over the draws",
        ),
    )
}

/// Kazakhstan's imports by partner: the 2009 baseline, and the median and
/// 90% band of the tracked flows summed over sectors.
fn imports_chart(
    summary: &McSummary,
    scenario: &str,
    data: &customs_union::Dataset,
    partners: &[String],
    sectors: &[String],
    dir: &std::path::Path,
) -> std::io::Result<()> {
    let kaz = common::idx(data, "KAZ");
    let mut baseline = Vec::with_capacity(partners.len());
    let mut bands = Vec::with_capacity(partners.len());
    for p in partners {
        let pi = common::idx(data, p);
        baseline.push(data.markets().iter().map(|m| m.flows().get(pi, kaz)).sum());
        let mut total = vec![0.0; summary.ok as usize];
        for s in sectors {
            let series = summary
                .series(scenario, &Tracked::flow(s, p, "KAZ"), "counterfactual")
                .expect("a tracked flow");
            for (t, v) in total.iter_mut().zip(series) {
                *t += v;
            }
        }
        bands.push(band(total));
    }
    println!("Kazakhstan's imports by partner, {scenario} (US$ million; median and 90% band):");
    for (p, code) in partners.iter().enumerate() {
        println!(
            "  {:<5} 2009 {:>8.1}   {scenario} {:>8.1}  [{:>8.1}, {:>8.1}]",
            code, baseline[p], bands[p].1, bands[p].0, bands[p].2
        );
    }
    println!();
    common::save(
        &dir.join("kaz_imports_by_partner.svg"),
        &CategoryChart::new(
            "Kazakhstan's imports by partner: the 2009 baseline and the EAEU",
            "US$ million per year, volumes at 2009 prices (all 8 sectors)",
            partners.to_vec(),
        )
        .subtitle(format!(
            "EAEU: median and 90% band over {} draws (tracked flows, summed over sectors).",
            format::count(summary.ok)
        ))
        .interval_label("90% band (5th to 95th percentile)")
        .series(Series::bars("2009 baseline", baseline).baseline())
        .series(
            Series::bars("EAEU 2015, median", bands.iter().map(|b| b.1).collect())
                .intervals(bands.iter().map(|b| (b.0, b.2)).collect()),
        )
        .figure(),
    )
}
