//! The run order of a v3 directory's children, in one function.
//!
//! v3 keeps order in an `order` number per request file and per folder definition, never in
//! file names. Postman does not document how folders and requests of one parent interleave;
//! the rule here is the one independent v3 readers use: one list of folders and requests,
//! ascending `order`, ties by name (then file name), and children without an `order` after
//! all ordered ones, by name.

use std::cmp::Ordering;

/// What sorting needs to know about one child.
#[derive(Clone, Debug, PartialEq)]
pub struct SortKey<'a> {
    pub order: Option<f64>,
    pub name: &'a str,
    pub file_name: &'a str,
}

/// Positions of `keys` in run order.
pub fn run_order(keys: &[SortKey<'_>]) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..keys.len()).collect();
    positions.sort_by(|&a, &b| compare(&keys[a], &keys[b]));
    positions
}

fn compare(a: &SortKey<'_>, b: &SortKey<'_>) -> Ordering {
    let by_order = match (a.order, b.order) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    by_order.then_with(|| a.name.cmp(b.name)).then_with(|| a.file_name.cmp(b.file_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key<'a>(order: Option<f64>, name: &'a str) -> SortKey<'a> {
        SortKey { order, name, file_name: name }
    }

    #[test]
    fn one_list_by_order_then_name_missing_last() {
        let keys = [
            key(None, "z-unordered"),
            key(Some(2000.0), "b"),
            key(Some(1000.0), "folder"),
            key(Some(2000.0), "a"),
            key(None, "a-unordered"),
            key(Some(3452748594436017.0), "big"),
            key(Some(-5.0), "negative"),
        ];
        let names: Vec<&str> = run_order(&keys).into_iter().map(|i| keys[i].name).collect();
        assert_eq!(names, ["negative", "folder", "a", "b", "big", "a-unordered", "z-unordered"]);
    }

    #[test]
    fn equal_names_fall_back_to_the_file_name() {
        let keys = [
            SortKey { order: Some(1.0), name: "same", file_name: "y.request.yaml" },
            SortKey { order: Some(1.0), name: "same", file_name: "x.request.yaml" },
        ];
        assert_eq!(run_order(&keys), [1, 0]);
    }
}
