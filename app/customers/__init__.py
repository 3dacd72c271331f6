"""Customer records: identity, services, consumption, service cases."""
