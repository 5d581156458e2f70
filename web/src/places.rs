//! French places as forms and files give them.

/// A French département code, canonical (`37`, `2A`, `971`; a single digit
/// is zero-padded: `7` is `07`), or `None` when the text is not one.
pub fn department(text: &str) -> Option<String> {
    let d = text.trim().to_ascii_uppercase();
    let d = if d.len() == 1 && d.bytes().all(|b| b.is_ascii_digit()) {
        format!("0{d}")
    } else {
        d
    };
    let ok = match d.as_str() {
        "2A" | "2B" => true,
        _ if d.len() == 2 && d.bytes().all(|b| b.is_ascii_digit()) => d != "00" && d != "20",
        _ if d.len() == 3 && d.bytes().all(|b| b.is_ascii_digit()) => {
            ("971"..="976").contains(&d.as_str())
        }
        _ => false,
    };
    ok.then_some(d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn departements() {
        use super::department;
        assert_eq!(department(" 37 ").as_deref(), Some("37"));
        assert_eq!(department("2a").as_deref(), Some("2A"));
        assert_eq!(department("7").as_deref(), Some("07"));
        assert_eq!(department("971").as_deref(), Some("971"));
        for bad in ["00", "20", "977", "ABC", ""] {
            assert_eq!(department(bad), None, "{bad}");
        }
    }
}
