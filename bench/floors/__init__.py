"""Floor measurements: what the bare building blocks do on this machine."""
