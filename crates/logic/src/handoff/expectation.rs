//! Expectation management: what the customer is told at handoff.
//!
//! A good message says that a human is coming, that the human sees the
//! conversation so far, and how long the wait should be. The estimate comes
//! from the router's estimator; its error against the actual wait is a metric.

/// The message and the estimate it quotes.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectationMessage {
    pub text: String,
    /// Estimated wait in seconds.
    pub estimated_wait: f64,
}

/// Rounds a wait to what a person would say.
fn spoken_wait(seconds: f64) -> String {
    match seconds {
        s if s < 30.0 => "less than a minute".to_string(),
        s if s < 90.0 => "about a minute".to_string(),
        s if s < 3600.0 => format!("about {} minutes", (s / 60.0).round() as u64),
        s => format!("about {:.1} hours", s / 3600.0),
    }
}

/// The message for a handoff with `estimated_wait` seconds, when the agent
/// will (`sees_history`) or will not see the conversation.
pub fn expectation_message(estimated_wait: f64, sees_history: bool) -> ExpectationMessage {
    let history = if sees_history {
        " They will see our conversation so far, so you won't have to repeat yourself."
    } else {
        ""
    };
    ExpectationMessage {
        text: format!(
            "I'm connecting you with a human agent.{history} Expected wait: {}.",
            spoken_wait(estimated_wait)
        ),
        estimated_wait,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_who_what_and_how_long() {
        let m = expectation_message(150.0, true);
        assert!(m.text.contains("human agent"));
        assert!(m.text.contains("see our conversation"));
        assert!(m.text.contains("about 3 minutes"), "{}", m.text);
        assert!(
            expectation_message(10.0, false)
                .text
                .contains("less than a minute")
        );
        assert!(
            !expectation_message(10.0, false)
                .text
                .contains("see our conversation")
        );
        assert!(expectation_message(7200.0, true).text.contains("2.0 hours"));
    }
}
