//! Reading and writing: the CSV data directory, TOML scenario files, JSON
//! and CSV results, and the embedded default datasets.
//!
//! Everything read from a file is validated here, once, with errors naming
//! the file, line and field; the model never sees a bad value.

pub mod atomic;
mod code_map;
mod csv_out;
mod csv_scan;
pub mod data_dir;
pub mod embedded;
mod entry;
pub mod json;
pub mod mc_files;
mod scenario_dto;
pub mod scenario_file;
mod scenario_plain;

pub use csv_out::{MC_CSV_FILES, RUN_CSV_FILES};
pub use data_dir::{LoadedData, export_data, load_data_dir, load_data_files};
pub use scenario_file::{ScenarioFile, load_scenario_file, parse_scenario_file};
