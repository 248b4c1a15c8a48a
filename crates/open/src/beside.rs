//! An ONNX model's external data files, read from the model's own folder.

use std::path::{Component, Path, PathBuf};

use filterscope_onnx::ExternalData;

/// Reads external data files that lie beside the model (never outside its folder).
pub struct FolderData {
    dir: PathBuf,
}

impl FolderData {
    /// External data of the model at `path`: files in its folder.
    pub fn beside(path: &Path) -> FolderData {
        FolderData::in_folder(path.parent().unwrap_or(Path::new(".")))
    }

    /// External data in the folder `dir`.
    pub fn in_folder(dir: &Path) -> FolderData {
        FolderData {
            dir: dir.to_path_buf(),
        }
    }
}

impl ExternalData for FolderData {
    fn read(&self, location: &str, offset: u64, length: Option<u64>) -> Result<Vec<u8>, String> {
        use std::io::{Read, Seek, SeekFrom};
        let rel = Path::new(location);
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err("the location must be a plain path inside the model's folder".into());
        }
        let path = self.dir.join(rel);
        let mut f = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let size = f.metadata().map_err(|e| e.to_string())?.len();
        let len = length.unwrap_or(size.saturating_sub(offset));
        if offset.checked_add(len).is_none_or(|end| end > size) {
            return Err(format!(
                "{}: bytes {offset}..{} lie past its end ({size} bytes)",
                path.display(),
                offset.saturating_add(len)
            ));
        }
        f.seek(SeekFrom::Start(offset)).map_err(|e| e.to_string())?;
        let mut buf = vec![0; len as usize];
        f.read_exact(&mut buf).map_err(|e| e.to_string())?;
        Ok(buf)
    }
}
