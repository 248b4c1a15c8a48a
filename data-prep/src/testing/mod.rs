//! For tests and fuzzing only (features `test-util` and `fuzzing`), not part of the API: small
//! sources and sites built in memory ([`fixture`]), and the fuzz targets' bodies ([`fuzzing`]).

#[cfg(any(test, feature = "test-util"))]
pub mod fixture;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
