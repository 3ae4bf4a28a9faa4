"""Handing a conversation to a person: when to offer one (``offer``), the team's hours (``hours``),
making the handoff and asking for a contact (``flow``), what is delivered and how (``delivery``), and
staff taking over the chat (``takeover``)."""
