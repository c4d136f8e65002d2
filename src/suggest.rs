//! "Did you mean": the closest known name to a mistyped one, for the keys of
//! `flaglint.toml` and of flags files, and for environment and provider names.

/// How alike (Jaro-Winkler) a typed name and a known one must be to suggest it: typos of
/// one or two letters in names of five letters or more pass, unrelated words do not.
const SIMILARITY: f64 = 0.8;

/// The known name closest to `typed`, if one is close enough to be what was meant.
pub fn closest<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|name| (strsim::jaro_winkler(typed, name), name))
        .filter(|(score, _)| *score >= SIMILARITY)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

/// " (did you mean `name`?)" when a known name is close to `typed`, else "".
pub fn did_you_mean<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    closest(typed, known)
        .map(|name| format!(" (did you mean `{name}`?)"))
        .unwrap_or_default()
}

/// serde's "unknown field `x`, expected one of `a`, `b`" with the closest expected key
/// named first: "unknown key `x` (did you mean `a`?); expected one of `a`, `b`". Other
/// messages are returned as they are.
pub fn unknown_key_message(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((typed, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let expected = expected.trim_start_matches(',').trim();
    // serde lists the keys in backticks: "expected `a`", "expected one of `a`, `b`".
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    format!(
        "unknown key `{typed}`{}; {expected}",
        did_you_mean(typed, known.iter().copied())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_only_close_names() {
        let known = ["Development", "Staging", "Production"];
        assert_eq!(closest("Stagng", known), Some("Staging"));
        assert_eq!(closest("prod", known), None);
        assert_eq!(
            closest("flagsmit", ["flagsmith", "unleash"]),
            Some("flagsmith")
        );
        assert_eq!(did_you_mean("qa", known), "");
    }

    #[test]
    fn unknown_key_messages_name_the_closest_key() {
        assert_eq!(
            unknown_key_message("unknown field `enabeld`, expected `enabled`"),
            "unknown key `enabeld` (did you mean `enabled`?); expected `enabled`"
        );
        assert_eq!(
            unknown_key_message(
                "unknown field `archvied`, expected one of `key`, `archived`, `tags`"
            ),
            "unknown key `archvied` (did you mean `archived`?); expected one of `key`, `archived`, `tags`"
        );
        assert_eq!(
            unknown_key_message("unknown field `zzz`, expected one of `key`, `tags`"),
            "unknown key `zzz`; expected one of `key`, `tags`"
        );
        assert_eq!(unknown_key_message("invalid type"), "invalid type");
    }
}
