//! Runs the 2010 CET scenarios through the entry point and prints the JSON
//! document, as `customs-union run --scenario scenarios/cet_2010.toml` writes it.
use customs_union::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data: Dataset = Dataset::embedded("eaeu2009")?;
    let set: ScenarioSet = ScenarioSet::from_toml_file("scenarios/cet_2010.toml")?;
    let sim = Simulation::new(&data)
        .model(ModelVariant::Armington)
        .treatment(DomesticTreatment::Nested);
    let results: RunResults = sim.run(&set)?;
    let r: &ScenarioResult = &results[0];
    let kaz = r.country("KAZ").ok_or("no KAZ")?;
    let mach = r.sector("MACH").ok_or("no MACH")?.country("KAZ").ok_or("no KAZ")?;
    let flow = r.flow("MACH", "CHN", "KAZ").ok_or("no flow")?;
    eprintln!(
        "{}: KAZ welfare {:.3}, MACH consumer surplus {:.3}, CHN->KAZ MACH {:.3}",
        r.name(),
        kaz.welfare,
        mach.consumer_surplus,
        flow.counterfactual
    );
    print!("{}", results.to_json()?);
    Ok(())
}
