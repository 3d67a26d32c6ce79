//! Monte Carlo: seeding and distribution golden values, quadrature exactness,
//! convergence to a known expectation, failure accounting, reproducibility
//! across threads, shards and replays.

use approx::assert_relative_eq;

use customs_union::io::embedded::EmbeddedDataset;
use customs_union::io::mc_files::{Overrides, prepare_run};
use customs_union::io::{LoadedData, ScenarioFile, load_data_files, parse_scenario_file};
use customs_union::monte_carlo::{
    Distribution, DrawBlock, MemoryLimit, MonteCarloSpec, OutputPlan, PreparedRun, RunControl,
    Sampling, ShardDocument, Tracked, draw_rng, draw_seed, max_threads, merge_shards, metric,
    percentile_sorted, quadrature_points, shard_range, summarize,
};
use customs_union::{DomesticTreatment, ModelVariant, OutcomeField, ScenarioSet, Simulation};
use rand::Rng;

const TOY_MC: &str = include_str!("../scenarios/toy_mc.toml");
const TOY: &str = include_str!("../scenarios/toy.toml");

fn toy() -> LoadedData {
    EmbeddedDataset::Toy.load().unwrap()
}

fn prepare_with(
    data: &LoadedData,
    text: &str,
    o: Overrides,
) -> Result<PreparedRun, customs_union::Error> {
    let file = parse_scenario_file(text, "test.toml")?;
    prepare_run(data, &file, o, ModelVariant::Armington, None)
}

fn prepare(data: &LoadedData, text: &str, draws: Option<u64>) -> PreparedRun {
    prepare_with(data, text, Overrides { draws, seed: None }).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The first uniform numbers of draw 0 with seed 42: three dimensions set
/// to U(0, 1), whose inverse CDF is the identity.
fn first_uniforms() -> Vec<f64> {
    let text = format!(
        "{TOY}\n[montecarlo]\nseed = 42\ndraws = 1\n\
         [[montecarlo.vary]]\nparam = \"eta\"\nmode = \"set\"\n\
         dist = {{ kind = \"uniform\", low = 0.0, high = 1.0 }}\n\
         [[montecarlo.vary]]\nparam = \"sigma_m\"\nsector = \"AGR\"\nmode = \"set\"\n\
         dist = {{ kind = \"uniform\", low = 0.0, high = 1.0 }}\n"
    );
    prepare(&toy(), &text, None).mc.dimension_values(0)
}

fn ctl(threads: usize) -> RunControl<'static> {
    RunControl {
        threads: Some(threads),
        ..RunControl::default()
    }
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn field(name: &str) -> usize {
    OutcomeField::ADDITIVE
        .iter()
        .position(|f| f.name() == name)
        .unwrap()
}

// ---------------------------------------------------------------- golden values

#[test]
fn seeding_hash_is_pinned() {
    // SHA-256("customs-union/mc/draw/v1" || le64(42) || le64(k)), checked with sha256sum
    assert_eq!(
        hex(&draw_seed(42, 0)),
        "98017009749a535449d9b1a1c89d19bc5594b5b1f1d08e6968b15dd996cf1a11"
    );
    assert_eq!(
        hex(&draw_seed(42, 7)),
        "c71225f17d48353a362c1716fe67c7fa2a519c8b14b77053ca63db7871c09825"
    );
    // Xoshiro256++ from that seed (independent reference implementation)
    let mut r = draw_rng(42, 0);
    let first: Vec<u64> = (0..5).map(|_| r.next_u64()).collect();
    assert_eq!(
        first,
        [
            0x59c5_014d_89a2_b8cd,
            0xdebe_bc46_dcdf_9437,
            0x251f_ab93_4696_ebc6,
            0x552c_b070_c621_7bbe,
            0x28b7_4da6_c3b7_28ea
        ]
    );
    let u = first_uniforms();
    assert_eq!(
        u,
        [0.3506623091030957, 0.870097892094121, 0.14501449914549946]
    );
}

#[test]
fn distributions_first_values_are_pinned() {
    let u = first_uniforms()[0];
    let normal = Distribution::normal(1.0, 0.25).unwrap();
    let lognormal = Distribution::lognormal(0.0, 0.3).unwrap();
    let uniform = Distribution::uniform(0.5, 1.5).unwrap();
    let triangular = Distribution::triangular(0.5, 1.0, 2.0).unwrap();
    // reference values from an independent implementation (Wichura's AS241 quantile)
    assert_relative_eq!(normal.quantile(u), 0.9041167537934616, max_relative = 1e-15);
    assert_relative_eq!(
        lognormal.quantile(u),
        0.8913127567312876,
        max_relative = 1e-15
    );
    assert_eq!(uniform.quantile(u), 0.8506623091030957);
    assert_relative_eq!(
        triangular.quantile(u),
        1.0130823051817561,
        max_relative = 1e-15
    );
    assert_eq!(Distribution::fixed(2.5).unwrap().quantile(u), 2.5);
    // truncated normal: within bounds, and the untruncated value when the bounds are far
    let t = Distribution::truncated_normal(1.0, 0.25, Some(-10.0), Some(10.0)).unwrap();
    assert_relative_eq!(t.quantile(u), 0.9041167537934616, max_relative = 1e-12);
}

#[test]
fn first_draw_of_the_toy_run_is_pinned() {
    let run = prepare(&toy(), TOY_MC, None);
    let labels = run.mc.space().labels().to_vec();
    let p = run.mc.parameters(0);
    let get = |l: &str| p[labels.iter().position(|x| x == l).unwrap()];
    // sigma_m scaled by U(0.5, 1.5) with u = 0.3506623091030957; sigma_d follows (rule of two)
    assert_relative_eq!(
        get("sigma_m.AGR"),
        5.0 * 0.8506623091030957,
        max_relative = 1e-15
    );
    assert_relative_eq!(
        get("sigma_d.AGR"),
        2.5 * 0.8506623091030957,
        max_relative = 1e-15
    );
    assert_relative_eq!(
        get("sigma_m.MAN"),
        8.0 * 1.370097892094121,
        max_relative = 1e-15
    );
    // ROW's infinite supply elasticity stays infinite when scaled
    assert!(get("epsilon.AGR.ROW").is_infinite());
    assert_eq!(get("epsilon.AGR.HOM") / 2.0, get("epsilon.MAN.HOM") / 5.0);
}

// ---------------------------------------------------------------- quadrature

#[test]
fn quadrature_is_exact_for_cubic_means_and_linear_sds() {
    for n in 1..=7 {
        let pts = quadrature_points(n);
        assert_eq!(pts.len(), 2 * n);
        let mu: Vec<f64> = (0..n).map(|i| 1.0 + 0.5 * i as f64).collect();
        let sd: Vec<f64> = (0..n).map(|i| 0.2 + 0.1 * i as f64).collect();
        let (a, b, c) = (0.7, -1.3, 2.1);
        // f = a + b x_0 + c x_0^2 + sum_i x_i^3/10 + x_0 x_{n-1}: its mean is known in closed form
        let f = |x: &[f64]| {
            let mut v = a + b * x[0] + c * x[0] * x[0];
            for xi in x {
                v += xi * xi * xi / 10.0;
            }
            if n > 1 {
                v += x[0] * x[n - 1];
            }
            v
        };
        let mut sum = 0.0;
        let mut lin = Vec::new();
        for z in &pts {
            let x: Vec<f64> = (0..n).map(|i| mu[i] + sd[i] * z[i]).collect();
            sum += f(&x);
            lin.push(
                x.iter()
                    .enumerate()
                    .map(|(i, v)| (i + 1) as f64 * v)
                    .sum::<f64>(),
            );
        }
        let mean = sum / (2 * n) as f64;
        // E[x^3] = mu^3 + 3 mu sd^2 for a symmetric distribution
        let mut truth = a + b * mu[0] + c * (mu[0] * mu[0] + sd[0] * sd[0]);
        for i in 0..n {
            truth += (mu[i].powi(3) + 3.0 * mu[i] * sd[i] * sd[i]) / 10.0;
        }
        if n > 1 {
            truth += mu[0] * mu[n - 1];
        }
        assert_relative_eq!(mean, truth, max_relative = 1e-13);
        // a linear response's sd is exact (the rule's variance, divisor 2N)
        let m = metric(&lin, 0, Sampling::Quadrature, &mut Vec::new());
        let sd_true = (0..n)
            .map(|i| ((i + 1) as f64 * sd[i]).powi(2))
            .sum::<f64>()
            .sqrt();
        assert_relative_eq!(m.sd.unwrap(), sd_true, max_relative = 1e-13);
        assert!(m.mcse.is_none());
    }
}

#[test]
fn quadrature_run_uses_2n_points_at_mean_plus_sd_times_point() {
    let text = format!(
        "{TOY}\n[montecarlo]\nsampling = \"quadrature\"\ndraws = 5\n\
         [[montecarlo.vary]]\nparam = \"sigma_m\"\nmode = \"set\"\n\
         dist = {{ kind = \"normal\", mean = 4.0, sd = 1.0 }}\n\
         [[montecarlo.vary]]\nparam = \"eta\"\nsector = \"AGR\"\nmode = \"set\"\n\
         dist = {{ kind = \"uniform\", low = 0.5, high = 1.5 }}\n"
    );
    let run = prepare(&toy(), &text, None);
    // three independent dimensions: sigma_m.AGR, sigma_m.MAN, eta.AGR
    assert_eq!(run.mc.draws(), 6);
    let pts = quadrature_points(3);
    let (um, usd) = (1.0, 1.0 / 12f64.sqrt());
    let mut m = [0.0; 3];
    for k in 0..6u64 {
        let x = run.mc.dimension_values(k);
        assert_relative_eq!(x[0], 4.0 + pts[k as usize][0], max_relative = 1e-15);
        assert_relative_eq!(x[1], 4.0 + pts[k as usize][1], max_relative = 1e-15);
        assert_relative_eq!(x[2], um + usd * pts[k as usize][2], max_relative = 1e-15);
        for d in 0..3 {
            m[d] += x[d] / 6.0;
        }
    }
    assert_relative_eq!(m[0], 4.0, max_relative = 1e-14);
    assert_relative_eq!(m[2], 1.0, max_relative = 1e-14);
    let block = run.mc.run(&ctl(1)).unwrap();
    let doc = run.summarize(block.clone()).unwrap();
    assert_eq!(doc.draws, 6);
    let w = &doc.scenarios[0].countries[0].metrics.0[field("welfare")].1;
    assert!(w.mcse.is_none() && w.mean.is_some());
}

// ---------------------------------------------------------------- convergence

/// One importer A buying from partner B and outsider C (no domestic sales),
/// every supply elasticity infinite, tariff 10% on both; A and B form a free
/// trade area. Then P = PM = (a 1.1^(s-1) + a)^(1/(1-s)), a = 1/2, and
/// welfare_A(s) = -E0 (P^(1-eta) - 1)/(1-eta) + 0.1 * 100 P^(s-eta) - 20.
fn one_importer() -> LoadedData {
    let files: Vec<(&str, &str)> = vec![
        (
            "countries.csv",
            "code,name\nA,Importer\nB,Partner\nC,Outsider\n",
        ),
        (
            "sectors.csv",
            "code,name,sigma_m,sigma_d,eta,epsilon\nS,Goods,4,4,1.5,inf\n",
        ),
        (
            "flows.csv",
            "sector,exporter,importer,value\nS,B,A,100\nS,C,A,100\n",
        ),
        ("tariffs.csv", "sector,exporter,importer,rate\nS,*,A,0.1\n"),
    ];
    load_data_files(
        &|name: &str| {
            Ok(files
                .iter()
                .find(|(f, _)| *f == name)
                .map(|(_, c)| c.to_string()))
        },
        "<test>",
    )
    .unwrap()
}

fn one_importer_welfare(s: f64) -> f64 {
    let eta = 1.5;
    let ln_p = (0.5 * 1.1f64.powf(s - 1.0) + 0.5).ln() / (1.0 - s);
    let p = ln_p.exp();
    -220.0 * (p.powf(1.0 - eta) - 1.0) / (1.0 - eta) + 10.0 * p.powf(s - eta) - 20.0
}

const ONE_IMPORTER: &str = "[[scenario]]\nname = \"fta\"\n[[scenario.union]]\nname = \"AB\"\n\
     members = [\"A\", \"B\"]\ncet = { rule = \"none\" }\n";

fn simpson(f: impl Fn(f64) -> f64, a: f64, b: f64, n: usize) -> f64 {
    let h = (b - a) / n as f64;
    let mut s = f(a) + f(b);
    for i in 1..n {
        s += f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    s * h / 3.0
}

#[test]
fn closed_form_matches_the_model() {
    let data = one_importer();
    let text = format!(
        "{ONE_IMPORTER}\n[montecarlo]\ndraws = 3\n[[montecarlo.vary]]\nparam = \"sigma_m\"\n\
         mode = \"set\"\ndist = {{ kind = \"uniform\", low = 2.0, high = 6.0 }}\n"
    );
    let run = prepare(&data, &text, None);
    for k in 0..3 {
        let rec = run.mc.replay_draw(k).unwrap();
        let v = rec.outcome.unwrap();
        assert_relative_eq!(
            v[field("welfare")],
            one_importer_welfare(rec.parameters[0]),
            max_relative = 1e-10
        );
    }
}

#[test]
fn mean_converges_to_the_exact_expectation() {
    let data = one_importer();
    let truth = simpson(one_importer_welfare, 2.0, 6.0, 4000) / 4.0;
    for sampling in ["random", "latin-hypercube"] {
        let text = format!(
            "{ONE_IMPORTER}\n[montecarlo]\ndraws = 4000\nseed = 7\nsampling = \"{sampling}\"\n\
             [[montecarlo.vary]]\nparam = \"sigma_m\"\nmode = \"set\"\n\
             dist = {{ kind = \"uniform\", low = 2.0, high = 6.0 }}\n"
        );
        let run = prepare(&data, &text, None);
        let block = run.mc.run(&ctl(2)).unwrap();
        let doc = run.summarize(block.clone()).unwrap();
        let w = &doc.scenarios[0].countries[0].metrics.0[field("welfare")].1;
        let (mean, mcse) = (w.mean.unwrap(), w.mcse.unwrap());
        assert!(
            (mean - truth).abs() < 4.5 * mcse,
            "{sampling}: mean {mean}, truth {truth}, mcse {mcse}"
        );
        if sampling == "latin-hypercube" {
            // stratification: far more accurate than the (conservative) mcse says
            assert!((mean - truth).abs() < 0.05 * mcse, "{mean} vs {truth}");
        }
    }
}

// ---------------------------------------------------------------- summaries

#[test]
fn percentiles_and_mcse_on_a_known_sample() {
    // numpy.percentile([3, 1, 2], [5, 50, 95]) = [1.1, 2.0, 2.9]
    let m = metric(&[3.0, 1.0, 2.0], 2, Sampling::Random, &mut Vec::new());
    assert_relative_eq!(m.p05.unwrap(), 1.1, max_relative = 1e-15);
    assert_eq!(m.p50, Some(2.0));
    assert_relative_eq!(m.p95.unwrap(), 2.9, max_relative = 1e-15);
    assert_eq!(m.mean, Some(2.0));
    assert_eq!(m.sd, Some(1.0));
    assert_relative_eq!(m.mcse.unwrap(), 1.0 / 3f64.sqrt(), max_relative = 1e-15);
    assert_eq!(m.share_positive, Some(1.0));
    assert_eq!((m.ok, m.failed), (3, 2));
    assert_eq!(percentile_sorted(&[5.0], 0.95), Some(5.0));
    assert_eq!(percentile_sorted(&[], 0.5), None);
    let one = metric(&[-1.0], 0, Sampling::Random, &mut Vec::new());
    assert_eq!(
        (one.sd, one.mcse, one.share_positive),
        (None, None, Some(0.0))
    );
}

#[test]
fn summaries_match_the_draws() {
    let run = prepare(&toy(), TOY_MC, Some(200));
    let block = run.mc.run(&ctl(2)).unwrap();
    let doc = run.summarize(block.clone()).unwrap();
    let lay = &run.meta.layout;
    let wf = field("welfare");
    let hom: Vec<f64> = (0..200)
        .map(|k| block.draw(k)[lay.index(1, 0, wf)])
        .collect();
    let base: Vec<f64> = (0..200)
        .map(|k| block.draw(k)[lay.index(0, 0, wf)])
        .collect();
    let m = &doc.scenarios[1].countries[0].metrics.0[wf].1;
    let mean = hom.iter().sum::<f64>() / 200.0;
    let sd = (hom.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 199.0).sqrt();
    assert_relative_eq!(m.mean.unwrap(), mean, max_relative = 1e-14);
    assert_relative_eq!(m.sd.unwrap(), sd, max_relative = 1e-12);
    assert_relative_eq!(m.mcse.unwrap(), sd / 200f64.sqrt(), max_relative = 1e-12);
    // paired difference: mean of the differences = difference of the means
    let d = &doc.differences[0].countries[0].metrics.0[wf].1;
    let diff: Vec<f64> = hom.iter().zip(&base).map(|(a, b)| a - b).collect();
    let dm = diff.iter().sum::<f64>() / 200.0;
    assert_relative_eq!(d.mean.unwrap(), dm, max_relative = 1e-12);
    // union aggregate = sum of members
    let u = &doc.scenarios[1].unions[0];
    assert_eq!(u.members, ["HOM", "PAR"]);
    let agg = block.draw(3)[lay.index(1, 4, wf)];
    let sum = block.draw(3)[lay.index(1, 0, wf)] + block.draw(3)[lay.index(1, 1, wf)];
    assert_relative_eq!(agg, sum, max_relative = 1e-14);
}

#[test]
fn fixed_unit_scale_reproduces_the_deterministic_run() {
    let text = format!(
        "{TOY}\n[montecarlo]\ndraws = 2\n[[montecarlo.vary]]\nparam = \"sigma_m\"\n\
         link = \"rule-of-two\"\ndist = {{ kind = \"fixed\", value = 1.0 }}\n"
    );
    let data = toy();
    let run = prepare(&data, &text, None);
    let set = ScenarioSet::from_toml_str(TOY, "toy.toml").unwrap();
    let results = Simulation::new(&data.dataset).run(&set).unwrap();
    let rec = run.mc.replay_draw(1).unwrap().outcome.unwrap();
    let lay = &run.meta.layout;
    for (s, r) in results.iter().enumerate() {
        for (c, t) in r.totals.iter().enumerate() {
            for (f, v) in t.additive().iter().enumerate() {
                let got = rec[lay.index(s, c, f)];
                assert!((got - v).abs() <= 1e-9 * (1.0 + v.abs()), "{got} vs {v}");
            }
        }
    }
}

#[test]
fn identical_scenarios_differ_by_exactly_zero() {
    // common random numbers: a copy of the first scenario sees the same draws
    let text = format!(
        "{TOY}\n[[scenario]]\nname = \"fta-again\"\nextends = \"fta\"\n{}",
        &TOY_MC[TOY_MC.find("[montecarlo]").unwrap()..]
    );
    let run = prepare(&toy(), &text, Some(50));
    let doc = run.summarize(run.mc.run(&ctl(2)).unwrap()).unwrap();
    let d = doc
        .differences
        .iter()
        .find(|d| d.scenario == "fta-again")
        .unwrap();
    for c in &d.countries {
        for (_, m) in &c.metrics.0 {
            assert_eq!(m.mean, Some(0.0));
            assert_eq!(m.sd, Some(0.0));
        }
    }
}

// ---------------------------------------------------------------- failures

/// A third scenario banning a flow, which needs sigma_m > 1.
const BAN: &str = "[[scenario]]\nname = \"ban\"\nextends = \"customs-union\"\n\
     [[scenario.tariff]]\nimporter = \"HOM\"\nexporter = \"OUT\"\nsector = \"AGR\"\nban = true\n";

/// sigma_m of AGR set to U(0.5, 3): below 1 in a fifth of the draws.
const SIGMA_M_AGR: &str = "[[montecarlo.vary]]\nparam = \"sigma_m\"\nsector = \"AGR\"\n\
     mode = \"set\"\ndist = { kind = \"uniform\", low = 0.5, high = 3.0 }\n";

#[test]
fn failed_draws_are_listed_and_excluded_from_every_scenario() {
    // a third scenario bans a flow, which needs sigma_m > 1: draws with
    // sigma_m.AGR <= 1 fail there only, and must leave every scenario
    let text = format!(
        "{TOY}\n{BAN}[montecarlo]\ndraws = 200\nseed = 3\n{SIGMA_M_AGR}\
         [[montecarlo.vary]]\nparam = \"eta\"\nsector = \"MAN\"\nmode = \"set\"\n\
         dist = {{ kind = \"normal\", mean = 0.3, sd = 0.3 }}\n"
    );
    let run = prepare(&toy(), &text, None);
    let block = run.mc.run(&ctl(2)).unwrap();
    let expect: Vec<u64> = (0..200)
        .filter(|&k| {
            let p = run.mc.parameters(k);
            p[0] <= 1.0 || p[1] < 0.0
        })
        .collect();
    let got: Vec<u64> = block.failures.iter().map(|f| f.draw).collect();
    assert_eq!(got, expect);
    assert!(expect.len() > 20 && expect.len() < 180);
    for f in &block.failures {
        let p = run.mc.parameters(f.draw);
        assert_eq!(bits(&f.parameters), bits(&p));
        if p[1] < 0.0 {
            assert_eq!(f.scenario, None);
            assert!(f.reason.contains("eta.MAN"), "{}", f.reason);
        } else {
            assert_eq!(f.scenario.as_deref(), Some("ban"));
            assert!(f.reason.contains("sigma_m > 1"), "{}", f.reason);
        }
        assert!(block.draw(f.draw).iter().all(|v| v.is_nan()));
    }
    let doc = run.summarize(block.clone()).unwrap();
    let nf = expect.len() as u64;
    assert_eq!((doc.failed, doc.ok), (nf, 200 - nf));
    assert_eq!(doc.failures.len(), expect.len());
    for s in &doc.scenarios {
        for c in &s.countries {
            for (_, m) in &c.metrics.0 {
                assert_eq!((m.ok, m.failed), (200 - nf, nf));
            }
        }
    }
    let json = doc.to_json().unwrap();
    assert!(json.contains("\"sigma_m.AGR\""));
    // fail-fast turns the first failure into an error
    let e = run
        .mc
        .run(&RunControl {
            threads: Some(1),
            fail_fast: true,
            progress: None,
        })
        .unwrap_err()
        .to_string();
    assert!(e.contains(&format!("draw {}", expect[0])), "{e}");
}

#[test]
fn non_convergence_is_a_recorded_failure() {
    let text = TOY_MC.replace("[montecarlo]", "[solver]\nmax_iter = 1\n\n[montecarlo]");
    let run = prepare(&toy(), &text, Some(20));
    let block = run.mc.run(&ctl(2)).unwrap();
    assert_eq!(block.failures.len(), 20);
    for f in &block.failures {
        assert_eq!(f.scenario.as_deref(), Some("fta"));
        assert!(f.reason.contains("did not converge"), "{}", f.reason);
    }
    let doc = run.summarize(block.clone()).unwrap();
    let m = &doc.scenarios[0].countries[0].metrics.0[0].1;
    assert_eq!((m.ok, m.failed, m.mean), (0, 20, None));
}

// ---------------------------------------------------------------- reproducibility

#[test]
fn threads_do_not_change_a_single_bit() {
    for sampling in ["random", "latin-hypercube"] {
        let text = TOY_MC.replace(
            "sampling = \"random\"",
            &format!("sampling = \"{sampling}\""),
        );
        let run = prepare(&toy(), &text, Some(120));
        let a = run.mc.run(&ctl(1)).unwrap();
        let b = run.mc.run(&ctl(2)).unwrap();
        assert_eq!(bits(&a.values), bits(&b.values));
        assert_eq!(
            run.summarize(a).unwrap().to_json().unwrap(),
            run.summarize(b).unwrap().to_json().unwrap()
        );
    }
}

fn shards(run: &PreparedRun, n: u64) -> Vec<(String, ShardDocument)> {
    (0..n)
        .map(|k| {
            let (s, e) = shard_range(k, n, run.mc.draws());
            let block = run.mc.run_range(s, e, &ctl(1)).unwrap();
            let doc = ShardDocument::new(run.meta.clone(), k, n, &block).unwrap();
            let text = doc.to_json().unwrap();
            (
                format!("shard-{k}-of-{n}.json"),
                ShardDocument::from_json(&text, "x").unwrap(),
            )
        })
        .collect()
}

#[test]
fn shards_merge_to_the_single_run_bytes() {
    for sampling in ["random", "latin-hypercube"] {
        let text = TOY_MC.replace(
            "sampling = \"random\"",
            &format!("sampling = \"{sampling}\""),
        );
        // a forced failure or two keeps the failure path honest
        let text = text.replace("mean = 1.0, sd = 0.3, min = 0.1", "mean = 0.4, sd = 0.3");
        let run = prepare(&toy(), &text, Some(100));
        let full = run.summarize(run.mc.run(&ctl(2)).unwrap()).unwrap();
        assert!(full.failed > 0);
        let parts = shards(&run, 3);
        let (meta, block) = merge_shards(&parts).unwrap();
        let merged = summarize(&meta, block).unwrap();
        assert_eq!(merged.to_json().unwrap(), full.to_json().unwrap());
        // any order of the files
        let mut rev = parts.clone();
        rev.reverse();
        let (meta, block) = merge_shards(&rev).unwrap();
        assert_eq!(
            summarize(&meta, block).unwrap().to_json().unwrap(),
            full.to_json().unwrap()
        );
    }
}

#[test]
fn shard_ranges_cover_every_draw_once() {
    for (d, n) in [(10, 3), (2000, 3), (5, 7), (1, 1)] {
        let mut next = 0;
        for k in 0..n {
            let (s, e) = shard_range(k, n, d);
            assert_eq!(s, next);
            assert_eq!(s, k * d / n);
            next = e;
        }
        assert_eq!(next, d);
    }
}

#[test]
fn merge_refuses_missing_duplicate_and_mismatched_shards() {
    let run = prepare(&toy(), TOY_MC, Some(30));
    let parts = shards(&run, 3);
    let e = merge_shards(&[parts[0].clone(), parts[2].clone()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing shard 1 of 3"), "{e}");
    let e = merge_shards(&[parts[0].clone()]).unwrap_err().to_string();
    assert!(e.contains("missing shards 1, 2 of 3"), "{e}");
    let e = merge_shards(&[
        parts[0].clone(),
        parts[1].clone(),
        parts[1].clone(),
        parts[2].clone(),
    ])
    .unwrap_err()
    .to_string();
    assert!(e.contains("shard 1 of 3 is given twice"), "{e}");
    // another seed: another fingerprint
    let other = prepare_with(
        &toy(),
        TOY_MC,
        Overrides {
            draws: Some(30),
            seed: Some(43),
        },
    )
    .unwrap();
    let o = shards(&other, 3);
    let e = merge_shards(&[parts[0].clone(), o[1].clone(), parts[2].clone()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("fingerprint"), "{e}");
    // another split of the same run
    let two = shards(&run, 2);
    let e = merge_shards(&[parts[0].clone(), two[1].clone()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("shard of 2"), "{e}");
    assert!(merge_shards(&[]).is_err());
}

#[test]
fn fingerprint_depends_on_every_input() {
    let data = toy();
    let fp = |text: &str, o: Overrides| {
        let file: ScenarioFile = parse_scenario_file(text, "t.toml").unwrap();
        prepare_run(&data, &file, o, ModelVariant::Armington, None)
            .unwrap()
            .meta
            .fingerprint
    };
    let base = fp(TOY_MC, Overrides::default());
    assert_eq!(base.len(), 64);
    assert_eq!(base, fp(TOY_MC, Overrides::default()));
    // a canonical serialisation, not file bytes: a comment changes nothing,
    // a changed distribution does
    assert_eq!(
        base,
        fp(&format!("{TOY_MC}\n# a comment\n"), Overrides::default())
    );
    let widened = TOY_MC.replacen("high = 1.5", "high = 1.6", 1);
    assert_ne!(
        widened, TOY_MC,
        "the toy definition has a uniform up to 1.5"
    );
    assert_ne!(base, fp(&widened, Overrides::default()));
    assert_ne!(
        base,
        fp(
            TOY_MC,
            Overrides {
                draws: Some(999),
                seed: None
            }
        )
    );
    assert_ne!(
        base,
        fp(
            TOY_MC,
            Overrides {
                draws: None,
                seed: Some(1)
            }
        )
    );
    assert_ne!(
        base,
        fp(
            &TOY_MC.replace("\"random\"", "\"latin-hypercube\""),
            Overrides::default()
        )
    );
}

#[test]
fn a_replayed_draw_equals_its_value_in_the_run() {
    let run = prepare(&toy(), TOY_MC, Some(64));
    let block: DrawBlock = run.mc.run(&ctl(2)).unwrap();
    for k in [0, 1, 31, 63] {
        let rec = run.mc.replay_draw(k).unwrap();
        assert_eq!(bits(&rec.outcome.unwrap()), bits(block.draw(k)));
        assert_eq!(bits(&rec.parameters), bits(&run.mc.parameters(k)));
    }
    // a range computed alone equals the same draws of the whole run
    let part = run.mc.run_range(17, 40, &ctl(2)).unwrap();
    for k in 17..40 {
        assert_eq!(bits(part.draw(k)), bits(block.draw(k)));
    }
    assert!(run.mc.replay_draw(64).is_err());
}

#[test]
fn latin_hypercube_stratifies_every_dimension() {
    let run = prepare(
        &toy(),
        &TOY_MC.replace("\"random\"", "\"latin-hypercube\""),
        Some(50),
    );
    // sigma_m.AGR = 5 * U(0.5, 1.5): exactly one draw in each fifth of a stratum width
    let mut strata = vec![0; 50];
    for k in 0..50 {
        let x = run.mc.dimension_values(k)[0];
        let u = x - 0.5;
        strata[(u * 50.0).floor() as usize] += 1;
    }
    assert!(strata.iter().all(|&c| c == 1), "{strata:?}");
}

// ---------------------------------------------------------------- definition

#[test]
fn definition_errors_name_the_entry() {
    let data = toy();
    // refused when the file is read, or when the run is prepared
    let err = |vary: &str| {
        let text = format!("{TOY}\n[montecarlo]\n{vary}");
        match prepare_with(&data, &text, Overrides::default()) {
            Ok(_) => panic!("accepted: {vary}"),
            Err(e) => e.to_string(),
        }
    };
    let e = err(
        "[[montecarlo.vary]]\nparam = \"sigma_m\"\ndist = { kind = \"fixed\", value = 1 }\n\
         [[montecarlo.vary]]\nparam = \"sigma_m\"\nsector = \"AGR\"\ndist = { kind = \"fixed\", value = 1 }\n",
    );
    assert!(
        e.contains("montecarlo.vary[1]") && e.contains("varied twice"),
        "{e}"
    );
    let e = err(
        "[[montecarlo.vary]]\nparam = \"sigma_m\"\nlink = \"rule-of-two\"\ndist = { kind = \"fixed\", value = 1 }\n\
         [[montecarlo.vary]]\nparam = \"sigma_d\"\nsector = \"MAN\"\ndist = { kind = \"fixed\", value = 1 }\n",
    );
    assert!(
        e.contains("montecarlo.vary[1]") && e.contains("rule-of-two"),
        "{e}"
    );
    let e = err(
        "[[montecarlo.vary]]\nparam = \"epsilon\"\ncountry = \"XXX\"\ndist = { kind = \"fixed\", value = 1 }\n",
    );
    assert!(e.contains("montecarlo.vary[0].country"), "{e}");
    let e = err(
        "[[montecarlo.vary]]\nparam = \"eta\"\ndist = { kind = \"triangular\", low = 1, mode = 3, high = 2 }\n",
    );
    assert!(e.contains("montecarlo.vary[0].dist.mode"), "{e}");
    let e = err("sampling = \"sobol\"\n");
    assert!(e.contains("montecarlo.sampling"), "{e}");
    let e = err(
        "sampling = \"quadrature\"\n[[montecarlo.vary]]\nparam = \"eta\"\ndist = { kind = \"fixed\", value = 1 }\n",
    );
    assert!(e.contains("quadrature"), "{e}");
}

#[test]
fn rule_of_two_and_independence() {
    let data = toy();
    let labels_values = |vary: &str| {
        let run = prepare(
            &data,
            &format!("{TOY}\n[montecarlo]\ndraws = 3\n{vary}"),
            None,
        );
        let l = run.mc.space().labels().to_vec();
        (l, run.mc.parameters(2))
    };
    // set sigma_m: sigma_d = sigma_m / 2
    let (l, p) = labels_values(
        "[[montecarlo.vary]]\nparam = \"sigma_m\"\nsector = \"AGR\"\nmode = \"set\"\nlink = \"rule-of-two\"\n\
         dist = { kind = \"uniform\", low = 2, high = 8 }\n",
    );
    assert_eq!(l, ["sigma_m.AGR", "sigma_d.AGR"]);
    assert_eq!(p[1], p[0] / 2.0);
    // set sigma_d: sigma_m = 2 sigma_d
    let (l, p) = labels_values(
        "[[montecarlo.vary]]\nparam = \"sigma_d\"\nsector = \"MAN\"\nmode = \"set\"\nlink = \"rule-of-two\"\n\
         dist = { kind = \"uniform\", low = 2, high = 8 }\n",
    );
    assert_eq!(l, ["sigma_d.MAN", "sigma_m.MAN"]);
    assert_eq!(p[1], 2.0 * p[0]);
    // no link: nothing else moves; shared: one draw for every item
    let (l, p) = labels_values(
        "[[montecarlo.vary]]\nparam = \"eta\"\nshared = true\nmode = \"set\"\n\
         dist = { kind = \"uniform\", low = 0.5, high = 2 }\n",
    );
    assert_eq!(l, ["eta.AGR", "eta.MAN"]);
    assert_eq!(p[0], p[1]);
    // epsilon per country, infinite stays infinite when scaled
    let (l, p) = labels_values(
        "[[montecarlo.vary]]\nparam = \"epsilon\"\nsector = \"MAN\"\n\
         dist = { kind = \"uniform\", low = 0.5, high = 2 }\n",
    );
    assert_eq!(l.len(), 4);
    assert!(p[3].is_infinite() && l[3] == "epsilon.MAN.ROW");
    assert!(p[0] != p[1]);
}

#[test]
fn spec_from_table_defaults() {
    let t: toml::Table =
        toml::from_str("[montecarlo]\n[[montecarlo.vary]]\nparam = \"eta\"\ndist = { kind = \"fixed\", value = 1 }")
            .unwrap();
    let s = MonteCarloSpec::from_table(t["montecarlo"].as_table().unwrap(), "t").unwrap();
    assert_eq!(
        (s.draws(), s.seed(), s.sampling()),
        (1000, 0, Sampling::Random)
    );
    assert!(!s.vary()[0].shared);
}

// ---------------------------------------------------------------- model and treatment

/// Every elasticity "varied" by a fixed factor of 1: each draw is the data.
const FIXED_AT_DATA: &str = "[montecarlo]\ndraws = 3\n\
     [[montecarlo.vary]]\nparam = \"sigma_m\"\nlink = \"rule-of-two\"\n\
     dist = { kind = \"fixed\", value = 1.0 }\n\
     [[montecarlo.vary]]\nparam = \"eta\"\ndist = { kind = \"fixed\", value = 1.0 }\n\
     [[montecarlo.vary]]\nparam = \"epsilon\"\ndist = { kind = \"fixed\", value = 1.0 }\n";

/// `a` equals `b` within 1e-12 relative (exactly, when `b` is 0).
fn close_12(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs()
}

#[test]
fn fixed_distributions_equal_a_plain_run_for_both_treatments() {
    let cases = [
        (EmbeddedDataset::Toy, TOY, "toy"),
        (
            EmbeddedDataset::Eaeu2009,
            include_str!("../scenarios/eaeu_2015.toml"),
            "eaeu",
        ),
    ];
    for (embedded, scenarios, label) in cases {
        let data = embedded.load().unwrap().dataset;
        // the file's own [montecarlo] table replaced by fixed distributions
        let scenarios = &scenarios[..scenarios.find("[montecarlo]").unwrap_or(scenarios.len())];
        let text = format!("{scenarios}\n{FIXED_AT_DATA}");
        let set = ScenarioSet::from_toml_str(&text, "fixed.toml").unwrap();
        let mut welfare = Vec::new();
        for treatment in [DomesticTreatment::Nested, DomesticTreatment::AsImportSource] {
            let sim = Simulation::new(&data).treatment(treatment);
            let plain = sim.run(&set).unwrap();
            let mc = sim.monte_carlo(&set).unwrap();
            assert_eq!((mc.ok, mc.failed), (3, 0));
            let what = format!("{label}, {treatment:?}");
            assert!(assert_draws_equal_run(&mc, &plain, &what) > 100);
            let last = plain.last().unwrap();
            welfare.push(last.totals[0].outcome.welfare);
        }
        // the treatment is honoured, not silently replaced by the nested one
        assert!(
            (welfare[0] - welfare[1]).abs() > 1e-6 * welfare[0].abs(),
            "{label}: {welfare:?}"
        );
    }
}

#[test]
fn linear_variants_are_refused_not_switched() {
    let data = toy().dataset;
    let set = ScenarioSet::from_toml_str(&format!("{TOY}\n{FIXED_AT_DATA}"), "f.toml").unwrap();
    for (model, name) in [
        (ModelVariant::GsimLinear, "GSIM-linear"),
        (ModelVariant::Smart, "SMART"),
    ] {
        let e = Simulation::new(&data)
            .model(model)
            .monte_carlo(&set)
            .unwrap_err()
            .to_string();
        assert!(e.contains(name) && e.contains("Armington"), "{e}");
    }
}

// ---------------------------------------------------------------- labelled lookups

#[test]
fn metrics_and_series_by_scenario_entity_and_field() {
    let text = TOY_MC.replace("mean = 1.0, sd = 0.3, min = 0.1", "mean = 0.4, sd = 0.3");
    let run = prepare(&toy(), &text, Some(120));
    let block = run.mc.run(&ctl(2)).unwrap();
    let failed: Vec<u64> = block.failures.iter().map(|f| f.draw).collect();
    assert!(!failed.is_empty());
    let lay = run.meta.layout.clone();
    let doc = run.summarize(block.clone()).unwrap();
    let wf = field("welfare");
    // a country: the metric is the document's, the series the usable draws in order
    let m = doc.metric("customs-union", "HOM", "welfare").unwrap();
    assert_eq!(m, &doc.scenarios[1].countries[0].metrics.0[wf].1);
    let series = doc.series("customs-union", "HOM", "welfare").unwrap();
    let expect: Vec<f64> = (0..120)
        .filter(|k| !failed.contains(k))
        .map(|k| block.draw(k)[lay.index(1, 0, wf)])
        .collect();
    assert_eq!(bits(&series), bits(&expect));
    assert_eq!(series.len() as u64, m.ok);
    assert_eq!(
        m.mean.unwrap().to_bits(),
        (series.iter().sum::<f64>() / series.len() as f64).to_bits()
    );
    // a union, by name
    let u = doc
        .metric("customs-union", "HP", "trade_diversion")
        .unwrap();
    assert_eq!(
        u,
        &doc.scenarios[1].unions[0].metrics.0[field("trade_diversion")].1
    );
    let us = doc
        .series("customs-union", "HP", "trade_diversion")
        .unwrap();
    assert_eq!(us.len() as u64, u.ok);
    // a country named by any reference to text: &&str, &String
    for name in &["HOM", "HP"] {
        assert!(doc.metric("customs-union", name, "welfare").is_some());
    }
    let owned = String::from("HOM");
    assert_eq!(
        doc.metric("customs-union", &owned, "welfare"),
        doc.metric("customs-union", "HOM", "welfare")
    );
    // a paired difference
    let d = doc
        .difference("customs-union")
        .and_then(|d| d.metric("HOM", "welfare"))
        .unwrap();
    let base = doc.series("fta", "HOM", "welfare").unwrap();
    let diffs: Vec<f64> = series.iter().zip(&base).map(|(a, b)| a - b).collect();
    assert_relative_eq!(
        d.mean.unwrap(),
        diffs.iter().sum::<f64>() / diffs.len() as f64,
        max_relative = 1e-12
    );
    // unknown names
    assert!(doc.metric("nope", "HOM", "welfare").is_none());
    assert!(doc.metric("fta", "XXX", "welfare").is_none());
    assert!(doc.metric("fta", "HOM", "happiness").is_none());
    assert!(doc.series("fta", "CU", "welfare").is_none());
    // the summary keeps the draws it was given
    assert_eq!(bits(&doc.block().values), bits(&block.values));
}

#[test]
fn a_failed_draw_is_an_error_carrying_its_cause() {
    let text = format!("{TOY}\n{BAN}[montecarlo]\ndraws = 40\nseed = 3\n{SIGMA_M_AGR}");
    let run = prepare(&toy(), &text, None);
    let block = run.mc.run(&ctl(1)).unwrap();
    let first = &block.failures[0];
    assert!(first.cause().is_some());
    let e = run
        .mc
        .run(&RunControl {
            threads: Some(1),
            fail_fast: true,
            progress: None,
        })
        .unwrap_err();
    match &e {
        customs_union::Error::Draw {
            draw,
            scenario,
            source,
        } => {
            assert_eq!((*draw, scenario.as_str()), (first.draw, "ban"));
            // the solver's own error, unflattened
            assert!(
                matches!(**source, customs_union::Error::Model { .. }),
                "{source:?}"
            );
            assert!(source.to_string().contains("sigma_m > 1"), "{source}");
        }
        other => panic!("not a draw error: {other}"),
    }
    assert!(std::error::Error::source(&e).is_some());
    assert_eq!(e.to_string(), first.to_error().to_string());
}

// ---------------------------------------------------------------- shard integrity

#[test]
fn merge_refuses_altered_shards() {
    let run = prepare(&toy(), TOY_MC, Some(30));
    let parts = shards(&run, 3);
    assert!(merge_shards(&parts).is_ok());
    // one hex digit of one value changed
    let mut altered = parts.clone();
    let v = &mut altered[1].1.values[2];
    let flipped = if v.as_bytes()[20] == b'0' { "1" } else { "0" };
    v.replace_range(20..21, flipped);
    let e = merge_shards(&altered).unwrap_err().to_string();
    assert!(
        e.contains("shard-1-of-3.json") && e.contains("checksum"),
        "{e}"
    );
    // a usable draw turned into a failure without values
    let mut altered = parts.clone();
    altered[0].1.values[0].clear();
    assert!(merge_shards(&altered).is_err());
    // a reason rewritten, a header field changed
    let mut altered = parts.clone();
    altered[2].1.checksum = parts[1].1.checksum.clone();
    let e = merge_shards(&altered).unwrap_err().to_string();
    assert!(e.contains("checksum"), "{e}");
}

#[test]
fn merge_refuses_non_finite_values_in_a_usable_draw() {
    let run = prepare(&toy(), TOY_MC, Some(30));
    let (s, e) = shard_range(1, 3, 30);
    let mut block = run.mc.run_range(s, e, &ctl(1)).unwrap();
    // a NaN where a usable draw's value belongs, sealed by a valid checksum
    block.values[3] = f64::NAN;
    let doc = ShardDocument::new(run.meta.clone(), 1, 3, &block).unwrap();
    let mut parts = shards(&run, 3);
    parts[1].1 = doc;
    let e = merge_shards(&parts).unwrap_err().to_string();
    assert!(
        e.contains("non-finite") && e.contains(&format!("draw {s}")),
        "{e}"
    );
}

// ---------------------------------------------------------------- resources

#[test]
fn a_run_that_cannot_fit_in_memory_is_refused_before_any_draw() {
    let run = prepare(&toy(), TOY_MC, Some(u64::from(u32::MAX)));
    let start = std::time::Instant::now();
    let plan = OutputPlan::summary(2);
    let est = run.mc.memory_estimate(0, run.mc.draws(), &plan);
    // 2 scenarios x (4 countries + 1 union) x 21 fields of 8 bytes, a failure slot,
    // the usable-draw index and, per thread, one entity's 21 series and a
    // selection buffer
    assert_eq!(est.per_draw, 8 * 210 + 8 + 9 + 8 * 22 * 2);
    let e = run.mc.run(&ctl(2)).unwrap_err().to_string();
    assert!(e.contains("memory") && e.contains("shards"), "{e}");
    assert!(start.elapsed().as_secs() < 10);
    // against a known limit: the advised shard count fits, one fewer does not
    let limit = MemoryLimit {
        bytes: 2_000_000_000,
        source: "a test limit",
    };
    let e = est.check(&limit).unwrap_err().to_string();
    let n = est.shards_to_fit(limit.bytes).unwrap();
    assert!(e.contains(&format!("at least {n} shards")), "{e}");
    let biggest = |n: u64| {
        (0..n)
            .map(|k| {
                let (s, e) = shard_range(k, n, run.mc.draws());
                run.mc.memory_estimate(s, e, &plan).total()
            })
            .max()
            .unwrap()
    };
    assert!(biggest(n) <= limit.bytes);
    assert!(biggest(n - 1) > limit.bytes);
}

#[test]
fn thread_counts_are_bounded() {
    let run = prepare(&toy(), TOY_MC, Some(10));
    for t in [0, max_threads() + 1, 100_000] {
        let e = run.mc.run(&ctl(t)).unwrap_err().to_string();
        assert!(e.contains("thread"), "{e}");
    }
    assert!(run.mc.run(&ctl(max_threads())).is_ok());
}

// ---------------------------------------------------------------- against independent samplers

/// Two-sample Kolmogorov–Smirnov statistic.
fn ks(a: &mut [f64], b: &mut [f64]) -> f64 {
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            i += 1;
        } else {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

#[test]
fn inverse_cdfs_match_rand_distr_samplers() {
    use rand_distr::Distribution as _;
    const N: usize = 200_000;
    const GRID: usize = 100_000;
    let mut rng = draw_rng(2024, 0);
    let mut sample = |f: &mut dyn FnMut(&mut customs_union::monte_carlo::DrawRng) -> f64| {
        (0..N).map(|_| f(&mut rng)).collect::<Vec<f64>>()
    };
    let normal = rand_distr::Normal::new(1.0, 0.3).unwrap();
    let truncated = |r: &mut customs_union::monte_carlo::DrawRng| loop {
        let x = normal.sample(r);
        if (0.9..=1.8).contains(&x) {
            return x;
        }
    };
    let lognormal = rand_distr::LogNormal::new(-0.1, 0.47).unwrap();
    let uniform = rand_distr::Uniform::new(0.5, 1.5).unwrap();
    let triangular = rand_distr::Triangular::new(0.7, 1.3, 0.9).unwrap();
    let cases: Vec<(&str, Distribution, Vec<f64>)> = vec![
        (
            "normal",
            Distribution::normal(1.0, 0.3).unwrap(),
            sample(&mut |r| normal.sample(r)),
        ),
        (
            "truncated normal",
            Distribution::truncated_normal(1.0, 0.3, Some(0.9), Some(1.8)).unwrap(),
            sample(&mut |r| truncated(r)),
        ),
        (
            "lognormal",
            Distribution::lognormal(-0.1, 0.47).unwrap(),
            sample(&mut |r| lognormal.sample(r)),
        ),
        (
            "uniform",
            Distribution::uniform(0.5, 1.5).unwrap(),
            sample(&mut |r| uniform.sample(r)),
        ),
        (
            "triangular",
            Distribution::triangular(0.7, 0.9, 1.3).unwrap(),
            sample(&mut |r| triangular.sample(r)),
        ),
    ];
    for (name, dist, mut theirs) in cases {
        // ours: the inverse CDF on an even grid of probabilities
        let mut ours: Vec<f64> = (0..GRID)
            .map(|i| dist.quantile((i as f64 + 0.5) / GRID as f64))
            .collect();
        // 0.1% critical value of the two-sample statistic
        let crit = 1.95 * ((N + GRID) as f64 / (N * GRID) as f64).sqrt();
        let d = ks(&mut ours, &mut theirs);
        assert!(d < crit, "{name}: KS distance {d} >= {crit}");
        // the moments quadrature uses, against the sampler's
        let (mean, sd) = dist.mean_sd();
        let m = theirs.iter().sum::<f64>() / N as f64;
        let s = (theirs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (N - 1) as f64).sqrt();
        assert!(
            (m - mean).abs() < 5.0 * sd / (N as f64).sqrt(),
            "{name}: mean {m} vs {mean}"
        );
        assert!((s - sd).abs() < 0.01 * sd, "{name}: sd {s} vs {sd}");
    }
}

/// Monte Carlo results carry their metadata (units included) and welfare as
/// a percentage of GDP, scaled from welfare by the data's GDP.
#[test]
fn summaries_carry_meta_and_welfare_as_a_share_of_gdp() {
    use customs_union::prelude::*;
    let data = Dataset::embedded("eaeu2009").unwrap();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/eaeu_2015.toml"
    ))
    .unwrap()
    .replace("draws = 10000", "draws = 40");
    let set = ScenarioSet::from_toml_str(&text, "eaeu_2015.toml").unwrap();
    let mc = Simulation::new(&data).monte_carlo(&set).unwrap();
    let meta = mc.meta.as_ref().expect("meta");
    assert_eq!(meta.dataset, "eaeu2009");
    assert!(
        meta.units.values.contains("US$ million"),
        "{:?}",
        meta.units
    );
    let gdp = data.countries()[data.country_id("KAZ").unwrap().0]
        .gdp
        .expect("KAZ has a GDP");
    let scenario = set.scenarios[0].name.clone();
    let w = mc.metric(&scenario, "KAZ", "welfare").unwrap();
    let p = mc.metric(&scenario, "KAZ", "welfare_pct_gdp").unwrap();
    let close = |a: Option<f64>, b: Option<f64>| {
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1e-12), "{a} vs {b}");
    };
    close(p.p50, w.p50.map(|v| 100.0 * v / gdp));
    close(p.mean, w.mean.map(|v| 100.0 * v / gdp));
    assert_eq!(p.share_positive, w.share_positive);
}

// ---------------------------------------------------------------- data, policy and tracked outputs

/// Every kind of data and policy item on the toy data, with tracked outputs.
const TOY_POLICY_MC: &str = "[montecarlo]\nseed = 11\n\
     track = [{ sector = \"MAN\", country = \"HOM\" }, { sector = \"AGR\", exporter = \"OUT\", importer = \"HOM\" }]\n\
     [[montecarlo.vary]]\nparam = \"ntb\"\nshared = true\n\
     dist = { kind = \"uniform\", low = 0.5, high = 2.0 }\n\
     [[montecarlo.vary]]\nparam = \"tariff\"\nimporter = \"HOM\"\nexporter = \"OUT\"\n\
     dist = { kind = \"triangular\", low = 0.5, mode = 1.0, high = 1.5 }\n\
     [[montecarlo.vary]]\nparam = \"flows\"\nimporter = \"HOM\"\ndomestic = true\n\
     dist = { kind = \"uniform\", low = 0.8, high = 1.2 }\n\
     [[montecarlo.vary]]\nparam = \"ntb_cut\"\nunion = \"HP\"\n\
     dist = { kind = \"uniform\", low = 0.0, high = 2.0 }\n\
     [[montecarlo.vary]]\nparam = \"shock\"\ncomponent = \"HP: CET\"\n\
     dist = { kind = \"uniform\", low = 0.0, high = 1.0 }\n\
     [[montecarlo.vary]]\nparam = \"sigma_m\"\nlink = \"rule-of-two\"\nshared = true\n\
     dist = { kind = \"uniform\", low = 0.5, high = 1.5 }\n";

fn toy_policy_text() -> String {
    format!("{TOY}\n{TOY_POLICY_MC}")
}

#[test]
fn data_policy_items_and_tracked_outputs_are_identical_across_threads_and_shards() {
    for sampling in ["random", "latin-hypercube"] {
        let text = toy_policy_text().replace(
            "[montecarlo]\n",
            &format!("[montecarlo]\nsampling = \"{sampling}\"\n"),
        );
        let run = prepare(&toy(), &text, Some(60));
        assert!(run.meta.parameters.iter().any(|p| p == "ntb.AGR.PAR->HOM"));
        assert!(run.meta.parameters.iter().any(|p| p == "ntb_cut.HP"));
        assert!(run.meta.parameters.iter().any(|p| p == "shock.HP: CET"));
        assert!(
            run.meta
                .parameters
                .iter()
                .any(|p| p == "flows.MAN.HOM->HOM")
        );
        let a = run.mc.run(&ctl(1)).unwrap();
        let b = run.mc.run(&ctl(2)).unwrap();
        assert!(a.failures.is_empty(), "{:?}", a.failures);
        assert_eq!(bits(&a.values), bits(&b.values));
        let full = run.summarize(a).unwrap();
        let json = full.to_json().unwrap();
        assert_eq!(json, run.summarize(b).unwrap().to_json().unwrap());
        let parts = shards(&run, 3);
        let (meta, block) = merge_shards(&parts).unwrap();
        assert_eq!(summarize(&meta, block).unwrap().to_json().unwrap(), json);
        // the tracked outputs are summarised, differenced and in the JSON
        let row = customs_union::monte_carlo::Tracked::sector_row("MAN", "HOM");
        let flow = customs_union::monte_carlo::Tracked::flow("AGR", "OUT", "HOM");
        let w = full.metric("customs-union", &row, "welfare").unwrap();
        assert_eq!(w.ok, 60);
        let v = full
            .series("customs-union", &flow, "counterfactual")
            .unwrap();
        assert_eq!(v.len(), 60);
        assert!(v.iter().all(|x| *x > 0.0));
        let d = full
            .difference("customs-union")
            .and_then(|d| d.metric(&flow, "counterfactual"))
            .unwrap();
        let first = full.series("fta", &flow, "counterfactual").unwrap();
        let mean = v.iter().zip(&first).map(|(a, b)| a - b).sum::<f64>() / 60.0;
        assert_relative_eq!(d.mean.unwrap(), mean, max_relative = 1e-12);
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        let t = &doc["scenarios"][1]["tracked"];
        assert_eq!(t[0]["sector"], "MAN");
        assert_eq!(t[0]["country"], "HOM");
        assert!(t[0]["metrics"]["imports_change"]["mean"].is_number());
        assert_eq!(t[1]["exporter"], "OUT");
        assert!(t[1]["metrics"]["counterfactual"]["p95"].is_number());
        assert!(doc["differences"][0]["tracked"][1]["metrics"]["counterfactual"].is_object());
    }
}

#[test]
fn tracked_outputs_reach_the_draws_csv_and_the_fingerprint() {
    let run = prepare(&toy(), &toy_policy_text(), Some(5));
    let block = run.mc.run(&ctl(1)).unwrap();
    let mut csv = Vec::new();
    customs_union::monte_carlo::write_draws_csv(&run, &block, &mut csv).unwrap();
    let text = String::from_utf8(csv).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let columns = customs_union::monte_carlo::draws_csv_columns(&run.meta);
    let named = columns
        .iter()
        .find(|c| {
            (
                c.scenario.as_str(),
                c.kind,
                c.entity.as_str(),
                c.field.as_str(),
            ) == ("customs-union", "tracked", "AGR/OUT->HOM", "counterfactual")
        })
        .expect("tracked flow column");
    let col = header
        .iter()
        .position(|h| *h == named.column)
        .expect("tracked flow column");
    let row1: Vec<&str> = text.lines().nth(2).unwrap().split(',').collect();
    let at = run
        .meta
        .layout
        .locate_tracked(
            "customs-union",
            &customs_union::monte_carlo::Tracked::flow("AGR", "OUT", "HOM"),
            "counterfactual",
        )
        .unwrap();
    assert_eq!(row1[col].parse::<f64>().unwrap(), block.draw(1)[at]);
    assert!(columns.iter().any(|c| (
        c.scenario.as_str(),
        c.kind,
        c.entity.as_str(),
        c.field.as_str()
    ) == ("fta", "tracked", "MAN/HOM", "welfare")));
    // tracking another output changes the fingerprint
    let other = prepare(
        &toy(),
        &toy_policy_text().replace(
            "{ sector = \"MAN\", country = \"HOM\" }",
            "{ sector = \"MAN\", country = \"PAR\" }",
        ),
        Some(5),
    );
    assert_ne!(run.meta.fingerprint, other.meta.fingerprint);
    // and the memory estimate grows with it
    let fewer = prepare(
        &toy(),
        &toy_policy_text()
            .replace(", { sector = \"MAN\", country = \"HOM\" }", "")
            .replace(
                "track = [{ sector = \"MAN\", country = \"HOM\" }, ",
                "track = [",
            ),
        Some(5),
    );
    let plan = OutputPlan::summary(1);
    assert!(
        run.mc.memory_estimate(0, 5, &plan).per_draw
            > fewer.mc.memory_estimate(0, 5, &plan).per_draw
    );
}

/// The toy data with each market edited by `edit(sector, flows, tariffs, ntb, mfn)`.
fn edited(
    data: &customs_union::Dataset,
    edit: impl Fn(
        usize,
        &mut customs_union::Matrix,
        &mut customs_union::Matrix,
        &mut customs_union::Matrix,
        &mut Vec<f64>,
    ),
) -> customs_union::Dataset {
    let n = data.n_countries();
    let markets = data
        .markets()
        .iter()
        .enumerate()
        .map(|(s, m)| {
            let (mut x, mut t, mut c) = (m.flows().clone(), m.tariffs().clone(), m.ntb().clone());
            let mut mfn: Vec<f64> = (0..n).map(|j| m.mfn(j)).collect();
            edit(s, &mut x, &mut t, &mut c, &mut mfn);
            customs_union::Market::new(x, t, c, m.supply().to_vec())
                .unwrap()
                .with_mfn(mfn)
                .unwrap()
        })
        .collect();
    customs_union::Dataset::new(data.countries().to_vec(), data.sectors().to_vec(), markets)
        .unwrap()
}

/// Every country total and union welfare of every draw of `mc` equals
/// `plain` within 1e-12; returns the number of country values compared.
fn assert_draws_equal_run(
    mc: &customs_union::McSummary,
    plain: &customs_union::RunResults,
    what: &str,
) -> usize {
    let mut compared = 0;
    for r in plain.iter() {
        for c in &r.totals {
            for f in OutcomeField::ADDITIVE {
                let want = f.get(&c.outcome);
                for got in mc.series(&r.name, &c.country, f.name()).unwrap() {
                    assert!(
                        close_12(got, want),
                        "{what}: {} {} {}: {got} vs {want}",
                        r.name,
                        c.country,
                        f.name()
                    );
                    compared += 1;
                }
            }
        }
        for u in &r.unions {
            for got in mc.series(&r.name, &u.name, "welfare").unwrap() {
                assert!(close_12(got, u.aggregate.welfare), "{what} {}", u.name);
            }
        }
    }
    assert!(compared > 50, "{what}");
    compared
}

/// The two draws of the Monte Carlo run `mc` (data, definition), all
/// fixed, each equal a deterministic run of `plain` under `treatment`.
fn assert_fixed_draws_equal_run(
    treatment: DomesticTreatment,
    mc: (&customs_union::Dataset, &ScenarioSet),
    plain: (&customs_union::Dataset, &ScenarioSet),
    what: &str,
) {
    let summary = Simulation::new(mc.0)
        .treatment(treatment)
        .monte_carlo(mc.1)
        .unwrap();
    assert_eq!((summary.ok, summary.failed), (2, 0), "{what}");
    let results = Simulation::new(plain.0)
        .treatment(treatment)
        .run(plain.1)
        .unwrap();
    assert_draws_equal_run(&summary, &results, what);
}

#[test]
fn a_fixed_data_item_equals_run_on_the_edited_data() {
    let data = toy().dataset;
    let hom = data.country_id("HOM").unwrap().0;
    let par = data.country_id("PAR").unwrap().0;
    let out = data.country_id("OUT").unwrap().0;
    let cases: Vec<(&str, customs_union::Dataset)> = vec![
        (
            // every wedge scaled by one shared draw
            "[[montecarlo.vary]]\nparam = \"ntb\"\nshared = true\ndist = { kind = \"fixed\", value = 1.7 }\n",
            edited(&data, |_, _, _, c, _| *c = c.scaled(1.7)),
        ),
        (
            // one tariff cell set: the CET rule and preferences read it
            "[[montecarlo.vary]]\nparam = \"tariff\"\nmode = \"set\"\nimporter = \"PAR\"\nexporter = \"OUT\"\n\
             sector = \"AGR\"\ndist = { kind = \"fixed\", value = 0.03 }\n",
            edited(&data, |s, _, t, _, _| {
                if s == 0 {
                    t.set(out, par, 0.03);
                }
            }),
        ),
        (
            // HOM's tariffs on every partner halved by one draw: its MFN rate
            // follows (were it left as loaded, every halved rate would count
            // as a preference that the CET keeps)
            "[[montecarlo.vary]]\nparam = \"tariff\"\nimporter = \"HOM\"\nshared = true\n\
             dist = { kind = \"fixed\", value = 0.5 }\n",
            edited(&data, |_, _, t, _, mfn| {
                for i in 0..t.n() {
                    if i != hom {
                        t.set(i, hom, t.get(i, hom) * 0.5);
                    }
                }
                mfn[hom] *= 0.5;
            }),
        ),
        (
            // domestic sales and one import flow rescaled: shares and expenditure recalibrate
            "[[montecarlo.vary]]\nparam = \"flows\"\nimporter = \"HOM\"\ndomestic = true\n\
             dist = { kind = \"fixed\", value = 0.8 }\n\
             [[montecarlo.vary]]\nparam = \"flows\"\nimporter = \"HOM\"\nexporter = \"PAR\"\n\
             sector = \"MAN\"\ndist = { kind = \"fixed\", value = 1.25 }\n",
            edited(&data, |s, x, _, _, _| {
                x.set(hom, hom, x.get(hom, hom) * 0.8);
                if s == 1 {
                    x.set(par, hom, x.get(par, hom) * 1.25);
                }
            }),
        ),
    ];
    for (vary, want_data) in cases {
        let text = format!("{TOY}\n[montecarlo]\ndraws = 2\n{vary}");
        let set = ScenarioSet::from_toml_str(&text, "fixed.toml").unwrap();
        for treatment in [DomesticTreatment::Nested, DomesticTreatment::AsImportSource] {
            assert_fixed_draws_equal_run(treatment, (&data, &set), (&want_data, &set), vary);
            // and the draw's dataset is the edited data
            let prepared = Simulation::new(&data)
                .treatment(treatment)
                .prepare_monte_carlo(&set)
                .unwrap();
            let drawn = prepared.draw_dataset(1).unwrap();
            assert_eq!(drawn.fingerprint(), want_data.fingerprint(), "{vary}");
        }
    }
}

#[test]
fn shock_and_ntb_cut_factors_scale_the_policy() {
    let data = toy().dataset;
    let fixed = |param: &str, key: &str, value: f64| {
        format!(
            "[montecarlo]\ndraws = 2\n[[montecarlo.vary]]\nparam = \"{param}\"\n{key}\n\
             dist = {{ kind = \"fixed\", value = {value} }}\n"
        )
    };
    let cu = TOY;
    let no_cet = TOY.replace(
        "cet = { rule = \"adopt\", country = \"PAR\" }",
        "cet = { rule = \"none\" }",
    );
    let cut = |c: &str| TOY.replace("ntb_cut = 0.5", &format!("ntb_cut = {c}"));
    let cases = [
        // factor 0: the scenario without the component; 1: the full scenario
        (fixed("shock", "component = \"HP: CET\"", 0.0), no_cet),
        (
            fixed("shock", "component = \"HP: CET\"", 1.0),
            cu.to_string(),
        ),
        // ntb_cut scaled in every stage, clamped to [0, 1]
        (fixed("ntb_cut", "union = \"HP\"", 0.0), cut("0.0")),
        (fixed("ntb_cut", "union = \"HP\"", 1.5), cut("0.75")),
        (fixed("ntb_cut", "union = \"HP\"", 3.0), cut("1.0")),
    ];
    for (mc_text, want) in cases {
        let set = ScenarioSet::from_toml_str(&format!("{TOY}\n{mc_text}"), "p.toml").unwrap();
        let mc = Simulation::new(&data).monte_carlo(&set).unwrap();
        let plain = Simulation::new(&data)
            .run(&ScenarioSet::from_toml_str(&want, "w.toml").unwrap())
            .unwrap();
        assert_draws_equal_run(&mc, &plain, &mc_text);
    }
    // half a CET: every rate it moves moves half way, so the welfare is in between
    let set = ScenarioSet::from_toml_str(
        &format!("{TOY}\n{}", fixed("shock", "component = \"HP: CET\"", 0.5)),
        "p.toml",
    )
    .unwrap();
    let half = Simulation::new(&data).monte_carlo(&set).unwrap();
    let policy = Simulation::new(&data).policies(&set).unwrap();
    let none = Simulation::new(&data)
        .policies(
            &ScenarioSet::from_toml_str(
                &cu.replace(
                    "cet = { rule = \"adopt\", country = \"PAR\" }",
                    "cet = { rule = \"none\" }",
                ),
                "n.toml",
            )
            .unwrap(),
        )
        .unwrap();
    assert_ne!(policy[1], none[1]);
    let w = |s: &str| {
        Simulation::new(&data)
            .run(&ScenarioSet::from_toml_str(s, "x.toml").unwrap())
            .unwrap()[1]
            .country("HOM")
            .unwrap()
            .welfare
    };
    let (w0, w1) = (w(&no_cet_text()), w(TOY));
    let wh = half
        .metric("customs-union", "HOM", "welfare")
        .unwrap()
        .mean
        .unwrap();
    assert!(
        (wh - w0) * (w1 - wh) > 0.0,
        "half a CET gives {wh}, outside {w0} .. {w1}"
    );
}

fn no_cet_text() -> String {
    TOY.replace(
        "cet = { rule = \"adopt\", country = \"PAR\" }",
        "cet = { rule = \"none\" }",
    )
}

/// The error of a Monte Carlo definition `vary` on the toy data and the
/// scenarios `base`, read or prepared.
fn definition_error(base: &str, vary: &str) -> String {
    let text = format!("{base}\n[montecarlo]\ndraws = 2\n{vary}");
    let e = match ScenarioSet::from_toml_str(&text, "e.toml") {
        Err(e) => e,
        Ok(set) => Simulation::new(&toy().dataset)
            .prepare_monte_carlo(&set)
            .unwrap_err(),
    };
    e.to_string()
}

#[test]
fn data_and_policy_definitions_are_checked() {
    let err = |vary: &str| definition_error(TOY, vary);
    let f = "dist = { kind = \"fixed\", value = 1 }";
    let cases = [
        (
            format!("[[montecarlo.vary]]\nparam = \"ntb_cut\"\nunion = \"XY\"\n{f}"),
            "montecarlo.vary[0].union",
            "`HP`",
        ),
        (
            format!("[[montecarlo.vary]]\nparam = \"ntb_cut\"\n{f}"),
            "montecarlo.vary[0].union",
            "name the union",
        ),
        (
            format!("[[montecarlo.vary]]\nparam = \"shock\"\ncomponent = \"HP: XYZ\"\n{f}"),
            "montecarlo.vary[0].component",
            "`HP: CET`",
        ),
        (
            format!(
                "[[montecarlo.vary]]\nparam = \"shock\"\ncomponent = \"HP: duty pooling\"\n{f}"
            ),
            "montecarlo.vary[0].component",
            "pools",
        ),
        (
            format!("[[montecarlo.vary]]\nparam = \"flows\"\nmode = \"set\"\n{f}"),
            "montecarlo.vary[0].mode",
            "scale",
        ),
        (
            format!("[[montecarlo.vary]]\nparam = \"ntb\"\ncountry = \"HOM\"\n{f}"),
            "montecarlo.vary[0].country",
            "importer",
        ),
        (
            format!("[[montecarlo.vary]]\nparam = \"eta\"\nimporter = \"HOM\"\n{f}"),
            "montecarlo.vary[0].importer",
            "ntb, tariff, flows and quota_volume",
        ),
        (
            format!("[[montecarlo.vary]]\nparam = \"ntb\"\nimporter = \"OUT\"\n{f}"),
            "montecarlo.vary[0]",
            "matches no cell",
        ),
        (
            format!("[[montecarlo.vary]]\nparam = \"tariff\"\nexporter = \"XX\"\n{f}"),
            "montecarlo.vary[0].exporter",
            "unknown country",
        ),
        (
            format!(
                "[[montecarlo.vary]]\nparam = \"ntb\"\n{f}\n[[montecarlo.vary]]\nparam = \"ntb\"\nimporter = \"HOM\"\n{f}"
            ),
            "montecarlo.vary[1]",
            "varied twice",
        ),
        (
            format!(
                "[[montecarlo.vary]]\nparam = \"ntb_cut\"\nunion = \"HP\"\n{f}\n[[montecarlo.vary]]\nparam = \"ntb_cut\"\nunion = \"HP\"\n{f}"
            ),
            "montecarlo.vary[1]",
            "varied twice",
        ),
        (
            format!(
                "track = [{{ sector = \"MAN\", country = \"XX\" }}]\n[[montecarlo.vary]]\nparam = \"eta\"\n{f}"
            ),
            "montecarlo.track[0].country",
            "unknown country",
        ),
        (
            format!(
                "track = [{{ sector = \"MAN\", exporter = \"HOM\" }}]\n[[montecarlo.vary]]\nparam = \"eta\"\n{f}"
            ),
            "montecarlo.track[0].importer",
            "missing",
        ),
        (
            format!(
                "track = [{{ sector = \"MAN\", country = \"HOM\", size = 1 }}]\n[[montecarlo.vary]]\nparam = \"eta\"\n{f}"
            ),
            "montecarlo.track[0].size",
            "",
        ),
    ];
    for (vary, key, says) in cases {
        let e = err(&vary
            .replace("[[montecarlo.vary]]", "\n[[montecarlo.vary]]")
            .replacen("\n[[montecarlo.vary]]", "[[montecarlo.vary]]", 1));
        assert!(e.contains(key) && e.contains(says), "{vary}\n -> {e}");
    }
    // a union whose ntb_cut is 0 in every scenario has no cut to scale
    assert!(TOY.contains("ntb_cut = 0.5"), "the toy union cuts NTBs");
    let e = definition_error(
        &TOY.replace("ntb_cut = 0.5", "ntb_cut = 0.0"),
        &format!("[[montecarlo.vary]]\nparam = \"ntb_cut\"\nunion = \"HP\"\n{f}"),
    );
    assert!(
        e.contains("montecarlo.vary[0].union") && e.contains("cuts no non-tariff barriers"),
        "{e}"
    );
}

#[test]
fn the_border_cost_wedge_drives_the_band_of_the_2011_union() {
    // the assumed 10% wedge among members (stated range 5-20%) scaled by
    // one shared draw over 0.5-2; the elasticities stay at the data's values
    let data = EmbeddedDataset::Eaeu2009.load().unwrap().dataset;
    let scenarios = include_str!("../scenarios/cet_2010.toml");
    let text = format!(
        "{scenarios}\n[montecarlo]\ndraws = 200\nseed = 2011\n\
         track = [{{ sector = \"MACH\", exporter = \"CHN\", importer = \"KAZ\" }}]\n\
         [[montecarlo.vary]]\nparam = \"ntb\"\nshared = true\n\
         dist = {{ kind = \"uniform\", low = 0.5, high = 2.0 }}\n"
    );
    let set = ScenarioSet::from_toml_str(&text, "wedge.toml").unwrap();
    let mc = Simulation::new(&data).monte_carlo(&set).unwrap();
    assert_eq!(mc.failed, 0);
    let at = |k: f64| {
        let d = edited(&data, |_, _, _, c, _| *c = c.scaled(k));
        Simulation::new(&d).run(&set).unwrap()
    };
    let (low, high) = (at(0.5), at(2.0));
    let kaz = |r: &customs_union::RunResults| {
        r.scenario("cu-2011")
            .unwrap()
            .country("KAZ")
            .unwrap()
            .welfare
    };
    let (w_low, w_high) = (kaz(&low), kaz(&high));
    let band = mc.metric("cu-2011", "KAZ", "welfare").unwrap();
    let (p05, p95) = (band.p05.unwrap(), band.p95.unwrap());
    let (lo, hi) = (w_low.min(w_high), w_low.max(w_high));
    // the wedge matters: a 5% wedge and a 20% wedge are far apart ...
    assert!(hi - lo > 500.0, "{w_low} .. {w_high}");
    // ... and the 90% band covers most of that distance, inside it
    assert!(
        p95 - p05 > 0.75 * (hi - lo),
        "band {p05} .. {p95} against {w_low} .. {w_high}"
    );
    assert!(p05 >= lo - 1e-9 && p95 <= hi + 1e-9);
    // the tracked flow: machinery from China to Kazakhstan, between the two ends
    let flow = customs_union::monte_carlo::Tracked::flow("MACH", "CHN", "KAZ");
    let m = mc.metric("cu-2011", &flow, "counterfactual").unwrap();
    assert_eq!(m.ok, 200);
    let volume = |r: &customs_union::RunResults| {
        r.scenario("cu-2011")
            .unwrap()
            .flow("MACH", "CHN", "KAZ")
            .unwrap()
            .counterfactual
    };
    let (v_low, v_high) = (volume(&low), volume(&high));
    let (vlo, vhi) = (v_low.min(v_high), v_low.max(v_high));
    assert!(m.p05.unwrap() >= vlo - 1e-9 && m.p95.unwrap() <= vhi + 1e-9);
    assert!(m.p95.unwrap() - m.p05.unwrap() > 0.75 * (vhi - vlo));
    assert!(
        mc.difference("cu-2011")
            .and_then(|d| d.metric(&flow, "counterfactual"))
            .is_some()
    );
}

// ---------------------------------------------------------------- quota volumes

/// The toy scenarios and a third stage with two quotas: HOM's imports of
/// AGR from OUT at half their baseline volume (by share), and PAR's exports
/// of MAN to every destination limited to `volume`.
fn quota_text(volume: f64) -> String {
    format!(
        "{TOY}\n[[scenario]]\nname = \"quotas\"\nextends = \"customs-union\"\n\
         [[scenario.quota]]\nimporter = \"HOM\"\nexporter = \"OUT\"\nsector = \"AGR\"\nshare = 0.5\n\
         [[scenario.quota]]\nimporter = \"*\"\nexporter = \"PAR\"\nsector = \"MAN\"\nvolume = {volume:?}\n"
    )
}

/// Half of PAR's baseline MAN exports to its partners.
fn par_export_volume(data: &customs_union::Dataset) -> f64 {
    let par = data.country_id("PAR").unwrap().0;
    let x = data.markets()[data.sector_id("MAN").unwrap().0].flows();
    0.5 * (0..x.n())
        .filter(|&j| j != par)
        .map(|j| x.get(par, j))
        .sum::<f64>()
}

fn fixed_quota_volume(selector: &str, factor: f64) -> String {
    format!(
        "[[montecarlo.vary]]\nparam = \"quota_volume\"\n{selector}\nshared = true\n\
         dist = {{ kind = \"fixed\", value = {factor:?} }}\n"
    )
}

fn run_text(data: &customs_union::Dataset, text: &str) -> customs_union::RunResults {
    Simulation::new(data)
        .run(&ScenarioSet::from_toml_str(text, "w.toml").unwrap())
        .unwrap()
}

#[test]
fn a_fixed_quota_volume_factor_equals_run_with_the_volume_scaled() {
    let data = toy().dataset;
    let v = par_export_volume(&data);
    let base = quota_text(v);
    let cases = [
        // one quota by its identity: its share-set volume times 1.1
        (
            fixed_quota_volume(
                "importer = \"HOM\"\nexporter = \"OUT\"\nsector = \"AGR\"",
                1.1,
            ),
            base.replace("share = 0.5", "share = 0.55"),
        ),
        // "*" on the importer matches the export quota's own "*"
        (
            fixed_quota_volume("sector = \"MAN\"", 0.8),
            quota_text(v * 0.8),
        ),
        // every quota by one shared draw
        (
            fixed_quota_volume("", 0.7),
            quota_text(v * 0.7).replace("share = 0.5", "share = 0.35"),
        ),
    ];
    let unscaled = run_text(&data, &base);
    for (vary, want) in cases {
        let text = format!("{base}\n[montecarlo]\ndraws = 2\n{vary}");
        let set = ScenarioSet::from_toml_str(&text, "q.toml").unwrap();
        let want_set = ScenarioSet::from_toml_str(&want, "w.toml").unwrap();
        for treatment in [DomesticTreatment::Nested, DomesticTreatment::AsImportSource] {
            assert_fixed_draws_equal_run(treatment, (&data, &set), (&data, &want_set), &vary);
        }
        // the quotas bind: the factor changes the outcome
        let plain = run_text(&data, &want);
        let w = |r: &customs_union::RunResults| r[2].country("HOM").unwrap().welfare;
        assert!((w(&plain) - w(&unscaled)).abs() > 1e-9, "{vary}");
    }
}

/// The toy data with a baseline quota on HOM's imports of AGR from OUT.
fn toy_with_baseline_quota() -> (customs_union::Dataset, f64) {
    use customs_union::model::{BaselineQuota, QuotaHolder};
    let data = toy().dataset;
    let (hom, out) = (
        data.country_id("HOM").unwrap().0,
        data.country_id("OUT").unwrap().0,
    );
    let agr = data.sector_id("AGR").unwrap().0;
    let markets = data
        .markets()
        .iter()
        .enumerate()
        .map(|(s, m)| {
            if s != agr {
                return m.clone();
            }
            m.clone()
                .with_restrictions(
                    None,
                    vec![BaselineQuota {
                        importer: Some(hom),
                        exporter: Some(out),
                        premium: 0.1,
                        holder: QuotaHolder::Importer,
                    }],
                )
                .unwrap()
        })
        .collect();
    let x0 = data.markets()[agr].flows().get(out, hom);
    let quota =
        customs_union::Dataset::new(data.countries().to_vec(), data.sectors().to_vec(), markets)
            .unwrap();
    (quota, x0)
}

#[test]
fn a_baseline_quota_is_scaled_in_every_scenario() {
    let (data, x0) = toy_with_baseline_quota();
    let f = 1.3;
    let text = format!(
        "{TOY}\n[montecarlo]\ndraws = 2\n{}",
        fixed_quota_volume("importer = \"HOM\"", f)
    );
    let set = ScenarioSet::from_toml_str(&text, "b.toml").unwrap();
    let mc = Simulation::new(&data).monte_carlo(&set).unwrap();
    // the same quota at f times its baseline volume from the first stage on
    let want = TOY.replacen(
        "cet = { rule = \"none\" }\n",
        &format!(
            "cet = {{ rule = \"none\" }}\n[[scenario.quota]]\nimporter = \"HOM\"\nexporter = \"OUT\"\n\
             sector = \"AGR\"\nvolume = {:?}\n",
            x0 * f
        ),
        1,
    );
    assert_ne!(want, TOY);
    let plain = run_text(&data, &want);
    assert_draws_equal_run(&mc, &plain, "baseline quota");
    let unscaled = run_text(&data, TOY);
    for k in 0..2 {
        let w = |r: &customs_union::RunResults| r[k].country("HOM").unwrap().welfare;
        assert!((w(&plain) - w(&unscaled)).abs() > 1e-9, "scenario {k}");
    }
    let run = Simulation::new(&data).prepare_monte_carlo(&set).unwrap();
    assert_eq!(run.space().labels(), ["quota_volume.AGR.OUT->HOM"]);
}

#[test]
fn varied_flows_recompute_share_quota_volumes() {
    let data = toy().dataset;
    let (hom, out) = (
        data.country_id("HOM").unwrap().0,
        data.country_id("OUT").unwrap().0,
    );
    let v = par_export_volume(&data);
    let text = format!(
        "{}\n[montecarlo]\ndraws = 2\n[[montecarlo.vary]]\nparam = \"flows\"\nimporter = \"HOM\"\n\
         exporter = \"OUT\"\nsector = \"AGR\"\ndist = {{ kind = \"fixed\", value = 1.25 }}\n",
        quota_text(v)
    );
    let set = ScenarioSet::from_toml_str(&text, "s.toml").unwrap();
    let mc = Simulation::new(&data).monte_carlo(&set).unwrap();
    let want_data = edited(&data, |s, x, _, _, _| {
        if s == 0 {
            x.set(out, hom, x.get(out, hom) * 1.25);
        }
    });
    // half of the drawn flow, not half of the loaded one
    let plain = run_text(&want_data, &quota_text(v));
    assert_draws_equal_run(&mc, &plain, "share quota on drawn flows");
    let stale = run_text(
        &want_data,
        &quota_text(v).replace(
            "share = 0.5",
            &format!(
                "volume = {:?}",
                0.5 * data.markets()[0].flows().get(out, hom)
            ),
        ),
    );
    let w = |r: &customs_union::RunResults| r[2].country("HOM").unwrap().welfare;
    assert!((w(&plain) - w(&stale)).abs() > 1e-9);
}

fn quota_mc_text() -> String {
    format!(
        "{}\n[montecarlo]\nseed = 5\n\
         [[montecarlo.vary]]\nparam = \"quota_volume\"\n\
         dist = {{ kind = \"uniform\", low = 0.6, high = 1.4 }}\n\
         [[montecarlo.vary]]\nparam = \"sigma_m\"\nshared = true\n\
         dist = {{ kind = \"uniform\", low = 0.8, high = 1.2 }}\n",
        quota_text(par_export_volume(&toy().dataset))
    )
}

#[test]
fn quota_volume_draws_are_identical_across_threads_and_shards() {
    let run = prepare(&toy(), &quota_mc_text(), Some(30));
    assert_eq!(
        run.meta.parameters[..2],
        ["quota_volume.AGR.OUT->HOM", "quota_volume.MAN.PAR->*"]
    );
    let a = run.mc.run(&ctl(1)).unwrap();
    let b = run.mc.run(&ctl(2)).unwrap();
    assert!(a.failures.is_empty(), "{:?}", a.failures);
    assert_eq!(bits(&a.values), bits(&b.values));
    let json = run.summarize(a).unwrap().to_json().unwrap();
    assert_eq!(json, run.summarize(b).unwrap().to_json().unwrap());
    let (meta, block) = merge_shards(&shards(&run, 3)).unwrap();
    assert_eq!(summarize(&meta, block).unwrap().to_json().unwrap(), json);
    // independent draws: the two quotas get different factors
    let p = run.mc.parameters(0);
    assert_ne!(p[0], p[1]);
}

#[test]
fn a_non_positive_quota_factor_is_a_failed_draw() {
    let text = quota_mc_text().replace("low = 0.6, high = 1.4", "low = -0.5, high = 1.5");
    let run = prepare(&toy(), &text, Some(60));
    let block = run.mc.run(&ctl(2)).unwrap();
    let expect: Vec<u64> = (0..60)
        .filter(|&k| run.mc.parameters(k)[..2].iter().any(|&f| f <= 0.0))
        .collect();
    assert!(!expect.is_empty() && expect.len() < 60);
    let got: Vec<u64> = block.failures.iter().map(|f| f.draw).collect();
    assert_eq!(got, expect);
    for f in &block.failures {
        assert_eq!(f.scenario, None);
        assert!(
            f.reason.contains("quota_volume.") && f.reason.contains("> 0"),
            "{}",
            f.reason
        );
    }
}

#[test]
fn quota_volume_definitions_are_checked() {
    let v = par_export_volume(&toy().dataset);
    let err = definition_error;
    let q = quota_text(v);
    let f = "dist = { kind = \"fixed\", value = 1 }";
    let entry =
        |keys: &str| format!("[[montecarlo.vary]]\nparam = \"quota_volume\"\n{keys}\n{f}\n");
    let cases = [
        (
            q.clone(),
            entry("importer = \"PAR\""),
            "montecarlo.vary[0]",
            "matches no quota",
        ),
        (
            TOY.to_string(),
            entry(""),
            "montecarlo.vary[0]",
            "matches no quota",
        ),
        (
            q.clone(),
            format!(
                "{}{}",
                entry("sector = \"AGR\""),
                entry("importer = \"HOM\"")
            ),
            "montecarlo.vary[1]",
            "quota_volume.AGR.OUT->HOM is varied twice",
        ),
        (
            q.clone(),
            entry("mode = \"set\""),
            "montecarlo.vary[0].mode",
            "scale",
        ),
        (
            q.clone(),
            entry("exporter = \"XX\""),
            "montecarlo.vary[0].exporter",
            "unknown country",
        ),
        (
            q.clone(),
            entry("sector = \"XX\""),
            "montecarlo.vary[0].sector",
            "unknown sector",
        ),
        (
            q.clone(),
            entry("union = \"HP\""),
            "montecarlo.vary[0].union",
            "only ntb_cut",
        ),
        (
            q.clone(),
            format!(
                "[[montecarlo.vary]]\nparam = \"ntb_cut\"\nunion = \"HP\"\nsector = \"AGR\"\n{f}\n"
            ),
            "montecarlo.vary[0].sector",
            "not selected by sector",
        ),
    ];
    for (base, vary, key, says) in cases {
        let e = err(&base, &vary);
        assert!(e.contains(key) && e.contains(says), "{vary}\n -> {e}");
    }
}

#[test]
fn the_summary_table_lists_the_tracked_outputs() {
    let text = format!(
        "{TOY}\n[montecarlo]\ndraws = 20\nseed = 3\n\
         track = [{{ sector = \"AGR\", country = \"HOM\" }}, {{ sector = \"MAN\", exporter = \"OUT\", importer = \"PAR\" }}]\n\
         [[montecarlo.vary]]\nparam = \"eta\"\n\
         dist = {{ kind = \"uniform\", low = 0.5, high = 1.5 }}\n"
    );
    let set = ScenarioSet::from_toml_str(&text, "tracked.toml").unwrap();
    let mc = Simulation::new(&toy().dataset).monte_carlo(&set).unwrap();
    let table = customs_union::report::mc_table(&mc);
    let row = |block: &str, label: &str| -> Vec<String> {
        let start = table
            .find(block)
            .unwrap_or_else(|| panic!("{block}\n{table}"));
        let line = table[start..]
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("{label} in {block}\n{table}"));
        // the cells after the label: mean, median, band, P(gain)
        line.trim_start()[label.len()..]
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    let amount = customs_union::report::format::amount;
    let last = &mc.scenarios[1];
    let flow = Tracked::flow("MAN", "OUT", "PAR");
    let volume = last.metric(&flow, "counterfactual").unwrap();
    let cells = row("scenario customs-union", "MAN/OUT->PAR volume");
    assert_eq!(cells[0], amount(volume.mean.unwrap()));
    assert_eq!(cells[1], amount(volume.p50.unwrap()));
    assert_eq!(cells.last().unwrap(), "-", "a level has no P(gain)");
    let welfare = last
        .metric(&Tracked::sector_row("AGR", "HOM"), "welfare")
        .unwrap();
    let cells = row("scenario customs-union", "AGR/HOM");
    assert_eq!(cells[0], amount(welfare.mean.unwrap()));
    assert_eq!(cells[1], amount(welfare.p50.unwrap()));
    // in a difference the flow's change has a P(> 0)
    let cells = row("minus fta", "MAN/OUT->PAR volume");
    assert!(cells.last().unwrap().ends_with('%'), "{cells:?}");
    // without tracked outputs the table has no such rows
    let plain =
        ScenarioSet::from_toml_str(&text.replace("track = ", "# track = "), "plain.toml").unwrap();
    let mc = Simulation::new(&toy().dataset).monte_carlo(&plain).unwrap();
    let table = customs_union::report::mc_table(&mc);
    assert!(
        !table.contains("tracked") && !table.contains(" in AGR"),
        "{table}"
    );
}
