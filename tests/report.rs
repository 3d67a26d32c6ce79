//! The HTML report: its content from runs and Monte Carlo results (shipped
//! scenario files and randomly built ones), the `report` command, and the
//! page as a real browser renders it.
//!
//! The browser test runs headless Chromium. With `CU_BROWSER_TEST=1` (set
//! by CI, which installs Chromium) it must run; without it, it is skipped,
//! saying why, when no Chromium is installed.

use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use customs_union::prelude::*;
use customs_union::report::chart::svg::escape;
use customs_union::report::format;
use customs_union::report::html::{ReportOptions, render};

const BIN: &str = env!("CARGO_BIN_EXE_customs-union");

fn scenario(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file)
}

fn cli(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The 2010 CET study with its decomposition, as the library runs it.
fn cet_2010() -> RunResults {
    let data = Dataset::embedded("eaeu2009").expect("embedded data");
    let set = ScenarioSet::from_toml_file(scenario("cet_2010.toml")).expect("scenario file");
    Simulation::new(&data)
        .decompose(true)
        .run(&set)
        .expect("the study runs")
}

/// Every element opened in `html` is closed, in order (void elements and
/// self-closed SVG elements aside): the page is well formed.
fn assert_well_formed(html: &str) {
    const VOID: [&str; 6] = ["meta", "br", "hr", "img", "link", "input"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find('>').expect("a tag closes");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name, "<{open}> closed by </{name}>");
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        stack.push(name);
    }
    assert!(stack.is_empty(), "left open: {stack:?}");
}

/// Nothing in the page can fetch anything or run anything.
fn assert_self_contained(html: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", "src=", "onload", "onclick",
    ] {
        assert!(!lower.contains(bad), "the report holds {bad}");
    }
    let outside = lower
        .match_indices("http")
        .filter(|(k, _)| !lower[*k..].starts_with("http://www.w3.org/2000/svg"))
        .filter(|(k, _)| !lower[*k..].starts_with("http-equiv"))
        .count();
    assert_eq!(outside, 0, "the report names an address");
    assert!(html.contains("Content-Security-Policy"));
}

#[test]
fn run_report_explains_every_section_with_the_runs_numbers() {
    let results = cet_2010();
    let html = render(
        &results.to_json().expect("JSON"),
        &ReportOptions::new().source("cet.json"),
    )
    .expect("report");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_well_formed(&html);
    assert_self_contained(&html);
    for id in [
        "what-was-run",
        "welfare",
        "trade",
        "decomposition",
        "article-xxiv",
        "imports",
        "diagnostics",
    ] {
        assert!(html.contains(&format!("<h2 id=\"{id}\">")), "section {id}");
    }
    assert_eq!(
        html.matches("How to read this").count(),
        6,
        "every section but the diagnostics explains itself"
    );
    assert!(html.contains("Negative trade creation"));
    assert!(html.contains("The two differ because the components interact"));
    // units from meta, and the scenarios' descriptions
    assert!(html.contains(&results.meta().units.values));
    for r in results.iter() {
        assert!(html.contains(&escape(&r.description)), "{}", r.name);
        let kaz = r.country("KAZ").expect("KAZ");
        assert!(
            html.contains(&format!(">{}</td>", format::amount(kaz.welfare))),
            "{}: KAZ welfare {}",
            r.name,
            format::amount(kaz.welfare)
        );
        let u = r.union("CU").expect("the union");
        assert!(html.contains(&format!(
            ">{}</td>",
            format::amount(u.aggregate.trade_diversion)
        )));
        let kaz_avg = &u.article_xxiv_members[0].averages;
        assert!(html.contains(&format::percent(kaz_avg.simple_after, 2)));
    }
    // Shapley values and stages of the last scenario side by side
    let last = results.last().expect("three scenarios");
    for c in last.decomposition().expect("decomposition") {
        assert!(
            html.contains(&format!("{}</th>", c.component)),
            "{}",
            c.component
        );
    }
    for s in last.stages().expect("stages") {
        assert!(html.contains(&format!(">{}</th>", s.stage)), "{}", s.stage);
    }
    assert!(html.contains("Zero throughout, not drawn: CU: internal tariffs."));
    // the default country is the first member of the union
    assert!(html.contains("Imports of KAZ by origin"));
    // one inline chart per chart, none empty
    assert!(html.matches("<svg ").count() >= 10);
    assert!(!html.contains("NaN"));
}

#[test]
fn the_chosen_country_and_unknown_ones() {
    let json = cet_2010().to_json().expect("JSON");
    let html = render(&json, &ReportOptions::new().country("BLR")).expect("report");
    assert!(html.contains("Imports of BLR by origin"));
    let e = render(&json, &ReportOptions::new().country("XYZ"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`XYZ` is not a country") && e.contains("KAZ, RUS"),
        "{e}"
    );
}

/// A small generator of numbers for building scenarios (no other state).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[test]
fn reports_of_runs_nobody_has_looked_at() {
    // random unions, CET rules, cuts and pooling on the embedded data, with
    // and without the decomposition, in each model variant that takes them
    let data = Dataset::embedded("eaeu2009").expect("embedded data");
    let codes: Vec<String> = data.countries().iter().map(|c| c.code.clone()).collect();
    let mut rng = Lcg(2026);
    for case in 0..8 {
        let k = 2 + rng.next(3);
        let mut members: Vec<&str> = Vec::new();
        while members.len() < k {
            let c = codes[rng.next(codes.len())].as_str();
            if !members.contains(&c) {
                members.push(c);
            }
        }
        let cet = match rng.next(6) {
            0 => CetRule::Adopt {
                country: members[0].to_string(),
            },
            1 => CetRule::TradeWeighted,
            2 => CetRule::SimpleAverage,
            3 => CetRule::Min,
            4 => CetRule::Max,
            _ => CetRule::None,
        };
        let mut union =
            CustomsUnion::new("U", &members, cet).with_ntb_cut(0.1 * rng.next(6) as f64);
        let pooled = rng.next(2) == 0;
        if pooled {
            let share = 1.0 / members.len() as f64;
            let shares: Vec<(&str, f64)> = members.iter().map(|m| (*m, share)).collect();
            union = union.with_pooling(&shares);
        }
        let mut first = Scenario::new("first").with_union(union.clone());
        first.description = format!(
            "case {case}: a union of {} <with markup & quotes\">",
            members.join("+")
        );
        let second = Scenario::new("second")
            .extending("first")
            .with_change(PolicyChange::tariff(
                members[0],
                "*",
                "*",
                Action::Scale(0.5),
            ));
        let set = ScenarioSet::new(vec![first, second]);
        let decompose = rng.next(2) == 0;
        let model = [ModelVariant::Armington, ModelVariant::GsimLinear][rng.next(2)];
        let results = Simulation::new(&data)
            .model(model)
            .decompose(decompose)
            .run(&set)
            .unwrap_or_else(|e| panic!("case {case}: {e}"));
        let country = members[rng.next(members.len())];
        let html = render(
            &results.to_json().expect("JSON"),
            &ReportOptions::new().country(country),
        )
        .unwrap_or_else(|e| panic!("case {case}: {e}"));
        assert_well_formed(&html);
        assert_self_contained(&html);
        assert!(!html.contains("NaN"), "case {case}");
        assert!(
            html.contains("&lt;with markup &amp; quotes&quot;&gt;"),
            "case {case}: escaped"
        );
        assert!(html.contains(&format!("Imports of {country} by origin")));
        for r in results.iter() {
            for c in &codes {
                let w = r.country(c).expect("every country").welfare;
                assert!(
                    html.contains(&format!(">{}</td>", format::amount(w))),
                    "case {case}: {} {c} welfare {}",
                    r.name,
                    format::amount(w)
                );
            }
        }
        assert_eq!(
            html.contains("id=\"decomposition\""),
            decompose,
            "case {case}"
        );
    }
}

#[test]
fn a_result_with_fields_of_a_later_version_still_renders() {
    // quotas, GDP shares and fields this version does not know
    let mut v: serde_json::Value =
        serde_json::from_str(&cet_2010().to_json().expect("JSON")).expect("JSON");
    let s0 = &mut v["scenarios"][0];
    s0["quotas"] = serde_json::json!([{
        "sector": "AGF", "importer": "KAZ", "exporter": "CHN", "volume": 120.0,
        "counterfactual": 120.0, "regime": "at", "rent_rate": 0.125, "rent": 15.0,
        "holder": "importer", "something_new": [1, 2]
    }]);
    for row in s0["totals"]["countries"].as_array_mut().expect("rows") {
        row["welfare_pct_gdp"] = serde_json::json!(-0.1375);
        row["quota_rent"] = serde_json::json!(2.5);
        row["a_future_field"] = serde_json::json!({"x": 1});
    }
    v["a_future_section"] = serde_json::json!([1, 2, 3]);
    let html = customs_union::report::html::render_value(v, &ReportOptions::new()).expect("report");
    assert_well_formed(&html);
    assert!(html.contains("<h2 id=\"quotas\">Quotas</h2>"));
    assert!(html.contains(">12.5%</td>"), "rent rate");
    assert!(html.contains(">-0.138%</td>"), "welfare as a share of GDP");
    assert!(html.contains(">quota rent</th>"));
    assert!(!html.contains("a_future_field"));
}

/// `mc` on the toy study through the command line, then `report` on its result.
fn mc_report(dir: &Path) -> (serde_json::Value, String) {
    mc_report_of(dir, &scenario("toy_mc.toml"))
}

/// `mc` on a scenario file of the toy data, then `report` on its result.
fn mc_report_of(dir: &Path, toy_mc: &Path) -> (serde_json::Value, String) {
    let json = dir.join("mc.json");
    let html = dir.join("mc.html");
    let (ok, _, err) = cli(&[
        "mc",
        "--dataset",
        "toy",
        "--scenario",
        toy_mc.to_str().expect("path"),
        "--draws",
        "60",
        "--quiet",
        "--out",
        json.to_str().expect("path"),
    ]);
    assert!(ok, "{err}");
    let (ok, out, err) = cli(&[
        "report",
        json.to_str().expect("path"),
        "--out",
        html.to_str().expect("path"),
        "--country",
        "HOM",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("written to"), "{out}");
    let v =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("mc result")).expect("JSON");
    (v, std::fs::read_to_string(&html).expect("report"))
}

#[test]
fn monte_carlo_report_shows_bands_and_the_chance_of_gain() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (v, html) = mc_report(dir.path());
    assert_well_formed(&html);
    assert_self_contained(&html);
    assert!(html.contains("Customs-union Monte Carlo"));
    let draws = v["draws"].as_u64().expect("draws");
    assert!(html.contains(&format!("Median and 90% band over {draws} draws")));
    assert!(html.contains("P(gain)"));
    for s in v["scenarios"].as_array().expect("scenarios") {
        for c in s["countries"].as_array().expect("countries") {
            let m = &c["metrics"]["welfare"];
            let (p05, p95) = (
                m["p05"].as_f64().expect("p05"),
                m["p95"].as_f64().expect("p95"),
            );
            let band = format!("{} to {}", format::amount(p05), format::amount(p95));
            assert!(html.contains(&band), "{}: {band}", c["country"]);
            let share = format::share(m["share_positive"].as_f64().expect("share"));
            assert!(html.contains(&format!(">{share}</td>")), "{share}");
        }
    }
    assert!(html.contains("id=\"differences\""), "paired differences");
    assert!(html.contains("HOM: every field"));
}

#[test]
fn monte_carlo_report_shows_the_tracked_outputs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(scenario("toy_mc.toml")).expect("toy_mc");
    let tracked = text.replacen(
        "[montecarlo]\n",
        "[montecarlo]\ntrack = [{ sector = \"AGR\", country = \"HOM\" }, { sector = \"MAN\", exporter = \"OUT\", importer = \"PAR\" }]\n",
        1,
    );
    assert_ne!(tracked, text, "the scenario file has a [montecarlo] table");
    let file = dir.path().join("tracked.toml");
    std::fs::write(&file, tracked).expect("scenario written");
    let (v, html) = mc_report_of(dir.path(), &file);
    assert_well_formed(&html);
    assert!(html.contains("<h2 id=\"tracked\">Tracked outputs</h2>"));
    assert!(html.contains(">AGR/HOM</th>"));
    assert!(html.contains(">MAN/OUT-&gt;PAR</th>"));
    // every tracked figure's band is in the report, the flow's as a volume
    for s in v["scenarios"].as_array().expect("scenarios") {
        let t = s["tracked"].as_array().expect("tracked outputs");
        assert_eq!(t.len(), 2);
        for (o, field) in [(&t[0], "welfare"), (&t[1], "counterfactual")] {
            let m = &o["metrics"][field];
            let band = format!(
                "{} to {}",
                format::amount(m["p05"].as_f64().expect("p05")),
                format::amount(m["p95"].as_f64().expect("p95"))
            );
            assert!(html.contains(&band), "{}: {band}", s["name"]);
        }
    }
    assert!(html.contains(">volume after the policy</td>"));
    assert!(html.contains(">volume after the policy: difference</td>"));
    // a result without tracked outputs has no such section
    let (_, plain) = mc_report(&dir.path().join("plain"));
    assert!(!plain.contains("id=\"tracked\""));
}

#[test]
fn the_report_command_refuses_what_it_cannot_use() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("run.json");
    let p = |x: &Path| x.to_str().expect("path").to_string();
    let toy = scenario("toy.toml");
    let (ok, _, err) = cli(&[
        "run",
        "--dataset",
        "toy",
        "--scenario",
        &p(&toy),
        "--out",
        &p(&json),
    ]);
    assert!(ok, "{err}");
    // the input as output
    let (ok, _, err) = cli(&["report", &p(&json), "--out", &p(&json)]);
    assert!(!ok);
    assert!(err.contains("would overwrite the input"), "{err}");
    // a country the result does not hold
    let html = dir.path().join("r.html");
    let (ok, _, err) = cli(&["report", &p(&json), "--out", &p(&html), "--country", "KAZ"]);
    assert!(!ok && !html.exists());
    assert!(err.contains("`KAZ` is not a country"), "{err}");
    // not a result: the file is named
    let (ok, _, err) = cli(&["report", &p(&toy), "--out", &p(&html)]);
    assert!(!ok && !html.exists());
    assert!(
        err.contains("toy.toml") && err.contains("not a JSON document"),
        "{err}"
    );
    // a good one, written whole
    let (ok, _, err) = cli(&["report", &p(&json), "--out", &p(&html)]);
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&html).expect("report");
    assert!(text.ends_with("</html>\n"));
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        2,
        "no temporary file left behind"
    );
}

// ---- in a real browser ------------------------------------------------------

/// Chromium's path, or why the browser test cannot run here.
fn chromium() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("CU_CHROMIUM") {
        let p = PathBuf::from(p);
        return if p.exists() {
            Ok(p)
        } else {
            Err(format!(
                "CU_CHROMIUM names {}, which does not exist",
                p.display()
            ))
        };
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
    .ok_or_else(|| {
        "no Chromium at /usr/bin/chromium (install it with .ci/install-chromium.sh)".to_string()
    })
}

/// Runs headless Chromium with `args` on `page`, within two minutes.
fn headless(chrome: &Path, profile: &Path, args: &[String], page: &Path) -> Output {
    let mut child = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Chromium starts");
    let start = Instant::now();
    // read the output on other threads so that a full pipe cannot stall Chromium
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut out, &mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err, &mut v);
        v
    });
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("Chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    Output {
        status,
        stdout: t_out.join().expect("stdout"),
        stderr: t_err.join().expect("stderr"),
    }
}

/// Pixels of an RGB(A) PNG: (width, height, [r, g, b] per pixel).
fn pixels(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let file = std::fs::File::open(path).expect("screenshot");
    let decoder = png::Decoder::new(BufReader::new(file));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let step = match info.color_type {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        other => panic!("unexpected colour type {other:?}"),
    };
    let px = buf[..info.buffer_size()]
        .chunks(step)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, px)
}

#[test]
fn the_report_renders_in_headless_chromium() {
    let must = std::env::var("CU_BROWSER_TEST").is_ok_and(|v| v == "1");
    let chrome = match chromium() {
        Ok(c) => c,
        Err(why) if !must => {
            println!("skipped: {why}; set CU_BROWSER_TEST=1 to make this an error");
            return;
        }
        Err(why) => panic!("CU_BROWSER_TEST=1 but {why}"),
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let results = cet_2010();
    let page = dir.path().join("report.html");
    std::fs::write(
        &page,
        render(&results.to_json().expect("JSON"), &ReportOptions::new()).expect("report"),
    )
    .expect("written");

    // what the browser built from the page: the key numbers are in its DOM
    let dom = headless(
        &chrome,
        &dir.path().join("p1"),
        &["--dump-dom".into()],
        &page,
    );
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    assert!(
        dom.contains("<h2 id=\"decomposition\">"),
        "{}",
        &dom[..dom.len().min(2000)]
    );
    for r in results.iter() {
        let kaz = r.country("KAZ").expect("KAZ");
        assert!(dom.contains(&format!(">{}</td>", format::amount(kaz.welfare))));
        let u = r.union("CU").expect("the union");
        assert!(dom.contains(&format!(
            ">{}</td>",
            format::amount(u.aggregate.trade_diversion)
        )));
    }
    assert!(
        dom.matches("<svg ").count() >= 10,
        "the charts are in the DOM"
    );

    // what it drew: not blank, and the charts' colours are on screen
    let shot = dir.path().join("report.png");
    let out = headless(
        &chrome,
        &dir.path().join("p2"),
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1100,4000".into(),
        ],
        &page,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (w, h, px) = pixels(&shot);
    assert_eq!((w, h), (1100, 4000));
    let white = px.iter().filter(|p| **p == [255, 255, 255]).count();
    let inked = px.len() - white;
    assert!(
        inked * 100 > px.len() * 3,
        "only {inked} of {} pixels are not white",
        px.len()
    );
    let mut colours: Vec<[u8; 3]> = px.clone();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 100,
        "{} colours: a blank page?",
        colours.len()
    );
    let near = |p: &[u8; 3], q: [u8; 3]| p.iter().zip(q).all(|(a, b)| a.abs_diff(b) <= 6);
    for (name, rgb) in [("blue", [0, 114, 178]), ("orange", [230, 159, 0])] {
        let n = px.iter().filter(|p| near(p, rgb)).count();
        assert!(n > 500, "{n} {name} pixels: the bar charts are not drawn");
    }

    // printed: A4 pages
    let pdf = dir.path().join("report.pdf");
    let out = headless(
        &chrome,
        &dir.path().join("p3"),
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".into(),
        ],
        &page,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&pdf).expect("PDF");
    let text = String::from_utf8_lossy(&bytes);
    let boxes: Vec<(f64, f64)> = text
        .split("/MediaBox [")
        .skip(1)
        .filter_map(|b| {
            let v: Vec<f64> = b
                .split(']')
                .next()?
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            (v.len() == 4).then(|| (v[2] - v[0], v[3] - v[1]))
        })
        .collect();
    assert!(
        boxes
            .iter()
            .all(|(w, h)| (w - 595.3).abs() < 1.0 && (h - 841.9).abs() < 1.0),
        "pages of {boxes:?} pt, not A4 (595 x 842 pt)"
    );
    let pages = boxes.len();
    assert!(pages >= 3, "{pages} pages");
}
