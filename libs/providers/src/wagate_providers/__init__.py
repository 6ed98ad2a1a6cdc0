"""Provider adapters: WAHA (and the sandbox, which speaks WAHA), Meta Cloud API, Whapi."""
