//! The VADER port (`triggers::vader`) gives the compound score
//! `vader-sentimental` gives, on every message of the labelled sets and on
//! messages written to exercise each rule.

use handoff_sim::triggers::sentiment::{vader, vader_crate};

fn messages() -> Vec<String> {
    let mut out = Vec::new();
    for (file, column) in [("explicit_requests.tsv", 3), ("frustration.tsv", 3)] {
        let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        out.extend(
            text.lines()
                .skip(1)
                .map(|l| l.split('\t').nth(column).unwrap().to_string()),
        );
    }
    out.extend(
        [
            "This is useless, I was charged TWICE and nobody helps me!!",
            "Great, just great. Thanks for nothing.",
            "not bad at all",
            "This is not good but the staff were AMAZING!!!",
            "I am at least happy it works",
            "the least helpful answer",
            "never so happy",
            "without doubt the best",
            "yeah right, that was great",
            "this is kind of good",
            "It's sort of bad, really really bad",
            "i was not very happy, somewhat annoyed",
            "WHY IS THIS NOT WORKING??? horrible",
            "I HATE this, it is TERRIBLE but ok",
            "MAYN'T be good",
            "the bomb is the shit, to die for",
            "kiss of death for sure, not the best",
            ":) :( :D ;) <3",
            "hello??!!",
            "",
            "a",
            "   ",
            "ok!",
            "x ! ? !!!!! ?????",
            "Thanks!!!! I love it, it's absolutely wonderful",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    out
}

#[test]
fn the_port_scores_as_the_crate_does() {
    let mut checked = 0;
    let mut worst: f64 = 0.0;
    for message in messages() {
        let (port, reference) = (vader(&message), vader_crate(&message));
        let diff = (port - reference).abs();
        worst = worst.max(diff);
        assert!(diff <= 1e-9, "{message:?}: port {port}, crate {reference}");
        checked += 1;
    }
    assert!(checked > 2000, "{checked}");
    eprintln!("{checked} messages, largest difference {worst:e}");
}

#[test]
fn ascii_characters_are_never_emoji() {
    // The port skips the crate's emoji pass for ASCII text: that pass must
    // leave every ASCII character as it is.
    let analyzer = vader_sentimental::SentimentIntensityAnalyzer::new();
    let ascii: String = (1u8..128).map(char::from).collect();
    assert_eq!(analyzer.append_emoji_descriptions(&ascii), ascii);
}

#[test]
fn other_text_goes_to_the_crate() {
    for message in ["Ça ne marche pas 😡", "great 😀", "naïve café"] {
        assert_eq!(vader(message), vader_crate(message));
        assert!(handoff_sim::triggers::vader::compound(message).is_none());
    }
}
