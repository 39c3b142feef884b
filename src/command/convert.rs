//! `postie convert`: a collection from v2.1 JSON to a v3 directory and back, through the
//! one model, so what postie runs survives the trip. What the target cannot hold is said
//! on stderr, one line per place.

use crate::cli::{ConvertArgs, TargetFormat};
use crate::collection::{self, SchemaVersion, Source, v3};

use super::failure::{Failure, Outcome};
use super::inputs::several_collections;

pub fn convert(args: ConvertArgs) -> Result<Outcome, Failure> {
    let source = match collection::locate(&args.input).map_err(Failure::input)?.as_slice() {
        [one] => one.clone(),
        several => return Err(Failure::input(several_collections(&args.input, several, "convert"))),
    };
    let collection = source.load(args.strict).map_err(Failure::input)?;
    for warning in &collection.warnings {
        eprintln!("warning: {warning}");
    }
    match args.to {
        TargetFormat::V3 => {
            let (files, notes) = v3::render(&collection);
            for note in notes {
                eprintln!("not kept: {note}");
            }
            v3::write(&args.output, &files).map_err(Failure::aborted)?;
            eprintln!("wrote {} files of `{}` to {}", files.len(), collection.name, args.output.display());
        }
        TargetFormat::V21 => {
            if matches!(source, Source::V2File(_)) && collection.schema == SchemaVersion::V2_0 {
                eprintln!("note: the input is a v2.0 collection; it is written as it is (Newman reads v2.0 too)");
            }
            let text = serde_json::to_string_pretty(&collection.raw.value())
                .map_err(|e| Failure::aborted(format!("cannot render the collection as JSON: {e}")))?;
            if let Some(parent) = args.output.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Failure::aborted(format!("cannot create folder {}: {e}", parent.display())))?;
            }
            std::fs::write(&args.output, text + "\n")
                .map_err(|e| Failure::aborted(format!("cannot write {}: {e}", args.output.display())))?;
            eprintln!("wrote `{}` as v2.1 JSON to {}", collection.name, args.output.display());
        }
    }
    Ok(Outcome::Passed)
}
