"""What the chat handlers share to hold a conversation: reading what people type (parse), button data
(callbacks) and answering taps (taps), questions waiting for a line of text (questions, awaiting),
pending choices and the one /cancel (pending), answering an add (adds)."""
