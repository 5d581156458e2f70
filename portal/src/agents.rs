//! What a person reads of a User-Agent: "Firefox sur Android", "Safari
//! on iPhone", "Robot (Googlebot)", through woothee (its data is compiled
//! in: no file, no network). The raw string never reaches a page.

use atout_web::i18n::{Arg, Tr};

const UNKNOWN: &str = "UNKNOWN";

/// The browser and system of `agent`, in the page's language.
pub fn summary(tr: &Tr, agent: &str) -> String {
    // Bounded: the API keeps at most a few hundred characters anyway.
    let agent: String = agent.chars().take(512).collect();
    let Some(parsed) = woothee::parser::Parser::new().parse(&agent) else {
        return tr.get("ua-unknown");
    };
    if parsed.category == "crawler" {
        return tr.arg("ua-robot", "name", parsed.name);
    }
    let os = match parsed.os {
        "Mac OSX" => "macOS",
        "Mac OS Classic" => "Mac OS",
        other => other,
    };
    match (parsed.name, os) {
        (UNKNOWN, UNKNOWN) => tr.get("ua-unknown"),
        (UNKNOWN, os) => tr.arg("ua-system-only", "os", os),
        (name, UNKNOWN) => name.to_owned(),
        (name, os) => tr.with(
            "ua-summary",
            &[("browser", Arg::from(name)), ("os", Arg::from(os))],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atout_web::i18n::Lang;

    #[test]
    fn agents_are_summarised_in_each_language() {
        let firefox_android =
            "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0";
        let fr = Lang::Fr.tr();
        let en = Lang::En.tr();
        assert_eq!(summary(fr, firefox_android), "Firefox sur Android");
        assert_eq!(summary(en, firefox_android), "Firefox on Android");
        let chrome_windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
            (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
        assert_eq!(summary(en, chrome_windows), "Chrome on Windows 10");
        let safari_mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 \
            (KHTML, like Gecko) Version/17.4 Safari/605.1.15";
        assert_eq!(summary(fr, safari_mac), "Safari sur macOS");
        let bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
        assert!(
            summary(fr, bot).starts_with("Robot"),
            "{}",
            summary(fr, bot)
        );
        for odd in ["", "curl/8.5.0", "\u{202e}<script>", &"x".repeat(10_000)] {
            let s = summary(fr, odd);
            assert!(
                !s.is_empty() && !s.contains('<') && s.len() < 100,
                "{odd:.40}: {s}"
            );
        }
    }
}
