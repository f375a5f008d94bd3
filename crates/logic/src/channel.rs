//! The channel a conversation arrives on: chat or voice.

use serde::Serialize;

/// The channel a conversation arrives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Chat,
    Voice,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Chat, Channel::Voice];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Channel::Chat => "chat",
            Channel::Voice => "voice",
        }
    }
}
