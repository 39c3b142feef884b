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
    pub order: Option<Order>,
    pub name: &'a str,
    pub file_name: &'a str,
}

/// Positions of `keys` in run order.
pub fn run_order(keys: &[SortKey<'_>]) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..keys.len()).collect();
    positions.sort_by(|&a, &b| compare(&keys[a], &keys[b]));
    positions
}

/// An `order` value: integers compare exactly (the app writes 16-digit ones, beyond f64's
/// exact range), other numbers as floats.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Order {
    Int(i128),
    Float(f64),
}

impl Order {
    fn compare(self, other: Order) -> Ordering {
        match (self, other) {
            (Order::Int(x), Order::Int(y)) => x.cmp(&y),
            (x, y) => x.as_f64().total_cmp(&y.as_f64()),
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Order::Int(i) => i as f64,
            Order::Float(f) => f,
        }
    }
}

fn compare(a: &SortKey<'_>, b: &SortKey<'_>) -> Ordering {
    let by_order = match (a.order, b.order) {
        (Some(x), Some(y)) => x.compare(y),
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
        SortKey { order: order.map(Order::Float), name, file_name: name }
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
            SortKey { order: Some(Order::Float(1.0)), name: "same", file_name: "y.request.yaml" },
            SortKey { order: Some(Order::Int(1)), name: "same", file_name: "x.request.yaml" },
        ];
        assert_eq!(run_order(&keys), [1, 0]);
        // Beyond 2^53, f64 would call these equal.
        let big = [
            SortKey { order: Some(Order::Int(9007199254740993)), name: "a", file_name: "a" },
            SortKey { order: Some(Order::Int(9007199254740992)), name: "b", file_name: "b" },
        ];
        assert_eq!(run_order(&big), [1, 0]);
    }
}
