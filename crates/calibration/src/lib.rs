//! The trigger engine over recorded conversations: `replay` (precision and
//! recall against labels), `calibrate` (each thresholded rule swept, with
//! Wilson intervals and operating points) and `transcripts` (simulated
//! conversations written in the replay format, so both can run on
//! simulated data).
//!
//! Never draws a chart or writes a report page (that is `handoff-report`),
//! and never changes the trigger engine it measures.

pub mod calibrate;
pub mod replay;
pub mod rules;
pub mod score;
pub mod transcripts;
