"""The bundled speeches that `speechld serve` loads into an empty store."""
