"""API views by topic: each parses, authorises, calls one service and renders."""
