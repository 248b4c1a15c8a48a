//! Building record batches column by column, and reading a decoded batch's columns with their
//! types checked, every error naming the file.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{ArrowPrimitiveType, Int32Type};
use arrow_array::{
    Array, ArrayAccessor, ArrayRef, BooleanArray, DictionaryArray, FixedSizeListArray,
    PrimitiveArray, RecordBatch, StringArray,
};
use arrow_schema::Field;

use crate::SiteError;

pub(crate) fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), a.null_count() > 0))
        .collect();
    let arrays = columns.into_iter().map(|(_, a)| a).collect();
    RecordBatch::try_new(Arc::new(arrow_schema::Schema::new(fields)), arrays)
        .expect("columns of equal length")
}

pub(crate) fn fixed<T: ArrowPrimitiveType>(values: Vec<T::Native>, size: usize) -> ArrayRef {
    let field = Arc::new(Field::new("item", T::DATA_TYPE, false));
    let values: PrimitiveArray<T> = PrimitiveArray::from_iter_values(values);
    Arc::new(
        FixedSizeListArray::try_new(field, size as i32, Arc::new(values), None)
            .expect("list of fixed size"),
    )
}

pub(crate) fn dict(values: impl Iterator<Item = String>) -> ArrayRef {
    let v: Vec<String> = values.collect();
    let d: DictionaryArray<Int32Type> = v.iter().map(|s| s.as_str()).collect();
    Arc::new(d)
}

/// Typed access to a decoded batch's columns, naming the file in every error.
pub(crate) struct Cols<'a> {
    pub(crate) file: &'a str,
    pub(crate) batch: &'a RecordBatch,
}

impl<'a> Cols<'a> {
    pub(crate) fn err(&self, problem: String) -> SiteError {
        SiteError::Table {
            file: self.file.to_string(),
            problem,
        }
    }

    pub(crate) fn get(&self, name: &str) -> Result<&'a ArrayRef, SiteError> {
        self.batch
            .column_by_name(name)
            .ok_or_else(|| self.err(format!("no column {name:?}")))
    }

    pub(crate) fn prim<T: ArrowPrimitiveType>(
        &self,
        name: &str,
    ) -> Result<&'a PrimitiveArray<T>, SiteError> {
        let c = self.get(name)?;
        c.as_primitive_opt::<T>().ok_or_else(|| {
            self.err(format!(
                "column {name:?} is {}, not {}",
                c.data_type(),
                T::DATA_TYPE
            ))
        })
    }

    pub(crate) fn bools(&self, name: &str) -> Result<&'a BooleanArray, SiteError> {
        let c = self.get(name)?;
        c.as_boolean_opt()
            .ok_or_else(|| self.err(format!("column {name:?} is not boolean")))
    }

    /// Values of a fixed-size list column of `size` entries per row.
    pub(crate) fn fixed<T: ArrowPrimitiveType>(
        &self,
        name: &str,
        size: usize,
    ) -> Result<&'a [T::Native], SiteError> {
        let c = self.get(name)?;
        let l = c
            .as_fixed_size_list_opt()
            .ok_or_else(|| self.err(format!("column {name:?} is not a fixed-size list")))?;
        if l.value_length() as usize != size {
            return Err(self.err(format!(
                "column {name:?} has {} entries per row, not {size}",
                l.value_length()
            )));
        }
        let v = l.values().as_primitive_opt::<T>().ok_or_else(|| {
            self.err(format!(
                "column {name:?} holds {}, not {}",
                l.value_type(),
                T::DATA_TYPE
            ))
        })?;
        // A sliced list starts at an offset into its values.
        let start = l.offset() * size;
        Ok(&v.values()[start..start + l.len() * size])
    }

    pub(crate) fn strings(&self, name: &str) -> Result<Vec<String>, SiteError> {
        let c = self.get(name)?;
        if let Some(d) = c.as_dictionary_opt::<Int32Type>() {
            let typed = d
                .downcast_dict::<StringArray>()
                .ok_or_else(|| self.err(format!("column {name:?} is not a string dictionary")))?;
            return Ok((0..d.len())
                .map(|i| {
                    if d.is_null(i) {
                        String::new()
                    } else {
                        typed.value(i).to_string()
                    }
                })
                .collect());
        }
        let s = c
            .as_string_opt::<i32>()
            .ok_or_else(|| self.err(format!("column {name:?} is not a string column")))?;
        Ok((0..s.len())
            .map(|i| {
                if s.is_null(i) {
                    String::new()
                } else {
                    s.value(i).to_string()
                }
            })
            .collect())
    }
}
