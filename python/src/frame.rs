//! Tables handed to pandas: columns of text or numbers, built row by row or
//! read from the library's long-format CSV files.
//!
//! ```text
//! numbers in the library's files are in their shortest round-trip form, so
//! str::parse gives back the very f64 the library computed (inf as inf)
//! ```

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

enum Column {
    Text(Vec<String>),
    Number(Vec<f64>),
}

/// A table: named columns of text or numbers.
pub struct Table {
    names: Vec<String>,
    columns: Vec<Column>,
}

impl Table {
    /// A long table: text columns (labels, then `field`) and a number column
    /// `value`.
    pub fn long(labels_and_field: &[&str]) -> Self {
        let mut names: Vec<String> = labels_and_field.iter().map(|s| s.to_string()).collect();
        let mut columns: Vec<Column> = names.iter().map(|_| Column::Text(Vec::new())).collect();
        names.push("value".to_string());
        columns.push(Column::Number(Vec::new()));
        Table { names, columns }
    }

    /// Appends a row: `text` fills the text columns and `numbers` the number
    /// columns, each in column order.
    pub fn row(&mut self, text: &[&str], numbers: &[f64]) {
        let (mut t, mut n) = (text.iter(), numbers.iter());
        for col in &mut self.columns {
            match col {
                Column::Text(v) => v.push(t.next().copied().unwrap_or_default().to_string()),
                Column::Number(v) => v.push(n.next().copied().unwrap_or(f64::NAN)),
            }
        }
    }

    /// The table of a CSV file with a header row; the columns named in
    /// `numbers` hold numbers.
    ///
    /// # Errors
    /// The reader's message, or the cell that is not a number.
    pub fn from_csv(bytes: &[u8], numbers: &[&str]) -> Result<Self, String> {
        let mut reader = csv::Reader::from_reader(bytes);
        let names: Vec<String> = reader
            .headers()
            .map_err(|e| e.to_string())?
            .iter()
            .map(str::to_string)
            .collect();
        let mut columns: Vec<Column> = names
            .iter()
            .map(|n| {
                if numbers.contains(&n.as_str()) {
                    Column::Number(Vec::new())
                } else {
                    Column::Text(Vec::new())
                }
            })
            .collect();
        for record in reader.records() {
            let record = record.map_err(|e| e.to_string())?;
            for ((col, cell), name) in columns.iter_mut().zip(record.iter()).zip(&names) {
                match col {
                    Column::Text(v) => v.push(cell.to_string()),
                    Column::Number(v) => v.push(
                        cell.parse()
                            .map_err(|_| format!("column {name}: `{cell}` is not a number"))?,
                    ),
                }
            }
        }
        Ok(Table { names, columns })
    }

    /// The pandas DataFrame, columns in order.
    pub fn into_frame(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let data = PyDict::new(py);
        for (name, col) in self.names.iter().zip(self.columns) {
            match col {
                Column::Text(v) => data.set_item(name, PyList::new(py, v)?)?,
                Column::Number(v) => data.set_item(name, PyList::new(py, v)?)?,
            }
        }
        let kwargs = PyDict::new(py);
        kwargs.set_item("columns", self.names)?;
        py.import("pandas")?
            .getattr("DataFrame")?
            .call((data,), Some(&kwargs))
    }
}
