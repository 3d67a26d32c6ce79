//! Datasets compiled into the library, used when no `--data` directory is given.
//!
//! The CSV files live under `data/` in the repository and are included
//! verbatim, with their `source` columns, so `export-data` writes exactly
//! what was compiled in.

use crate::error::{Error, Result};

use super::data_dir::{LoadedData, load_data_files};

/// A dataset shipped with the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbeddedDataset {
    /// The Eurasian customs union around its 2010 common external tariff:
    /// KAZ, RUS, BLR, KGZ, CHN, EU27 and the rest of the world, eight sectors,
    /// baseline 2009 (US$ million). The default. See `docs/data.md`.
    Eaeu2009,
    /// Kazakhstan, Russia, Belarus, Kyrgyzstan and the rest of the world around
    /// the 1995 agreement; illustrative figures from one essay plus labelled
    /// assumptions. See `docs/data.md`.
    Kaz1995,
    /// A four-country, two-sector illustrative market (home, partner,
    /// outsider, rest of the world) used in tests and documentation.
    Toy,
}

/// The files of the embedded dataset in `data/$dir`, as (name, text).
macro_rules! files {
    ($dir:literal) => {
        files!($dir; "countries.csv", "sectors.csv", "flows.csv", "tariffs.csv", "ntb.csv", "supply.csv")
    };
    ($dir:literal; $($file:literal),+) => {
        &[$(($file, include_str!(concat!("../../data/", $dir, "/", $file)))),+]
    };
}

impl EmbeddedDataset {
    /// The dataset used when no `--data` is given.
    pub const DEFAULT: EmbeddedDataset = EmbeddedDataset::Eaeu2009;

    /// Every embedded dataset.
    pub const ALL: [EmbeddedDataset; 3] = [
        EmbeddedDataset::Eaeu2009,
        EmbeddedDataset::Kaz1995,
        EmbeddedDataset::Toy,
    ];

    /// Short name (`toy`).
    pub fn name(self) -> &'static str {
        match self {
            EmbeddedDataset::Eaeu2009 => "eaeu2009",
            EmbeddedDataset::Kaz1995 => "kaz1995",
            EmbeddedDataset::Toy => "toy",
        }
    }

    /// Looks a dataset up by [`EmbeddedDataset::name`].
    pub fn by_name(name: &str) -> Option<Self> {
        EmbeddedDataset::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The CSV files, `(file name, contents)`.
    pub fn files(self) -> &'static [(&'static str, &'static str)] {
        match self {
            EmbeddedDataset::Eaeu2009 => files!("eaeu2009"),
            EmbeddedDataset::Kaz1995 => files!("kaz1995"),
            EmbeddedDataset::Toy => files!("toy"),
        }
    }

    /// Parses and validates the dataset.
    ///
    /// # Errors
    /// Only if the shipped files are broken (a test guards against it).
    pub fn load(self) -> Result<LoadedData> {
        let files = self.files();
        let origin = format!("<embedded {}>", self.name());
        load_data_files(
            &|name: &str| {
                Ok(files
                    .iter()
                    .find(|(f, _)| *f == name)
                    .map(|(_, c)| c.to_string()))
            },
            &origin,
        )
        .map_err(|e| super::data_dir::within(&origin, e))
    }

    /// Writes the files verbatim into `dir`.
    ///
    /// # Errors
    /// [`Error::Io`] when a file cannot be written.
    pub fn export(self, dir: &std::path::Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
        for (name, body) in self.files() {
            let p = dir.join(name);
            std::fs::write(&p, body).map_err(|e| Error::io(p.display().to_string(), e))?;
        }
        Ok(())
    }
}
