"""predict: a pure function, roster + profile -> one action per entity (the Summit K12 sync)."""
