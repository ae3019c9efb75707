"""When each sync reason holds: one condition per reason, per entity, on the engine's
working frame of that entity.  Everything else about a reason (precedence, effect, root,
finding, `why` step...) is declared in rules/sync/reasons.toml; a test requires each
module's conditions to be exactly the registry's reasons for its entity."""
