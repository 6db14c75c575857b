"""The audit trail page in AppTest: reached from the audit header, lists every event with who
and what changed (free text only as "changed"), and filters by entity and operation."""

from __future__ import annotations

from datawalk.models import Action, ActionStatus, Finding, Reach, TrailEvent

SECRET = "Marlowe-Tansy-4408 spoke about a pupil"  # free text that must never show in the trail


def trail_frame(at):
    (table,) = [d.value for d in at.dataframe if "Changes" in d.value.columns]
    return table


def save_finding(walk, **fields) -> Finding:
    values = {
        "audit_id": walk.audit.id,
        "location_id": walk.location.id,
        "categories": ["food_allergy"],
        "format": "poster",
        "identifiability": "full_name_photo",
        "detail_level": "condition_action",
        "visible_to": ["visitors"],
        "needed_by": ["all_staff"],
        "notes": SECRET,
    }
    return walk.store.save_finding(Finding(**values | fields), "Second Consultant")


def test_the_audit_header_links_to_the_trail(open_page, walk):
    at = open_page("findings", audit=walk.audit.id)
    link = next(link for link in at.get("page_link") if link.proto.label == "Audit trail")
    assert link.proto.page == "trail"
    assert f"audit={walk.audit.id}" in link.proto.query_string


def test_the_trail_lists_every_event_newest_first(open_page, walk):
    finding = save_finding(walk)
    slower = finding.model_copy(update={"reach": Reach.SAME_DAY})
    walk.store.save_finding(slower, "Second Consultant")
    at = open_page("trail", audit=walk.audit.id)

    assert not at.exception
    assert [t.value for t in at.title] == ["Audit trail"]
    table = trail_frame(at)
    assert len(table) == len(walk.store.list_trail(walk.audit.id))
    newest = table.iloc[0]
    assert (newest["Who"], newest["Entity"], newest["Reference"], newest["Operation"]) == (
        "Second Consultant",
        "Finding",
        finding.reference,
        "Updated",
    )
    assert newest["Changes"] == "reach: immediately → same_day"
    created = table[(table["Entity"] == "Finding") & (table["Operation"] == "Created")]
    assert "notes: changed" in created["Changes"].iloc[0]
    assert SECRET not in table.to_csv()
    assert table["Entity"].iloc[-1] == "Audit"  # the audit's creation comes first, shown last


def test_the_trail_filters_by_entity_and_operation(open_page, walk):
    finding = save_finding(walk)
    walk.store.delete_finding(finding.id, "Second Consultant")
    at = open_page("trail", audit=walk.audit.id)
    everything = len(trail_frame(at))

    at.pills(key="trail_entities").set_value(["finding"]).run()
    findings = trail_frame(at)
    assert set(findings["Entity"]) == {"Finding"}
    assert findings["Operation"].tolist() == ["Deleted", "Created"]

    at.pills(key="trail_operations").set_value(["delete"]).run()
    assert trail_frame(at)["Operation"].tolist() == ["Deleted"]

    at.pills(key="trail_entities").set_value([]).run()
    at.pills(key="trail_operations").set_value([]).run()
    assert len(trail_frame(at)) == everything


def test_the_trail_page_without_an_audit_points_to_the_audits_page(open_page, app_db):
    at = open_page("trail", audit="no-such-audit-id")
    assert not at.exception
    assert any("no longer exists" in w.value for w in at.warning)


def test_the_trail_names_findings_and_locations_not_ids(open_page, walk):
    finding = save_finding(walk)
    action = walk.store.save_action(
        Action(audit_id=walk.audit.id, finding_ids=[finding.id], recommendation="Move it"),
        "Second Consultant",
    )
    walk.store.save_action(
        action.model_copy(update={"status": ActionStatus.IN_PROGRESS}), "Second Consultant"
    )
    at = open_page("trail", audit=walk.audit.id)
    table = trail_frame(at)
    shown = table.to_csv()
    ids = [walk.audit.id, walk.location.id, finding.id, action.id]
    ids += [floor.id for floor in walk.audit.site.floors]
    assert [entity_id for entity_id in ids if entity_id in shown] == []
    actions = table[table["Entity"] == "Action"]
    assert set(actions["Reference"]) == {f"action for {finding.reference}"}
    assert f"findings: {finding.reference}" in actions["Changes"].iloc[-1]
    created = table[(table["Entity"] == "Finding") & (table["Operation"] == "Created")]
    assert "location: Servery" in created["Changes"].iloc[0]


def test_imported_history_is_shown_apart_with_its_backup_importer_and_time(open_page, walk):
    save_finding(walk)
    document = walk.store.export_document(walk.audit.id)
    forged = TrailEvent(
        audit_id=walk.audit.id,
        actor="Made-up Governor",
        entity="audit",
        entity_id=walk.audit.id,
        operation="delete",
    )
    document = document.model_copy(update={"trail": [*document.trail, forged]})
    walk.store.delete_audit(walk.audit.id, "Second Consultant")
    walk.store.import_document(document, "Restoring Consultant", source_sha256="e3" * 32)

    at = open_page("trail", audit=walk.audit.id)
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Imported history"]
    assert any(
        c.value.replace("\\", "").startswith("Backup e3e3e3e3e3e3, imported ")
        and "by Restoring Consultant" in c.value
        for c in at.caption
    )
    local, imported = (d.value for d in at.dataframe if "Changes" in d.value.columns)
    assert local["Who"].tolist() == ["Restoring Consultant"]
    assert "Made-up Governor" in imported["Who"].tolist()
    assert set(imported["Backup"]) == {"e3e3e3e3e3e3"}
    assert len(imported) == len(document.trail)
