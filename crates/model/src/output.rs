//! Files written atomically: to a temporary file beside the target, synced,
//! then renamed, so a reader never sees half a file and an interrupted
//! write leaves the old one.

use std::fs;
use std::io::Write as _;
use std::path::Path;

use crate::error::{Error, Result};

/// Maps an I/O error on `path` to [`Error::Output`].
pub fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Output {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `contents` to `path` atomically (temporary file, then rename).
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut file = fs::File::create(&tmp).map_err(io_error(&tmp))?;
    file.write_all(contents).map_err(io_error(&tmp))?;
    file.sync_all().map_err(io_error(&tmp))?;
    fs::rename(&tmp, path).map_err(io_error(path))
}
