from desktop.domain import NoteKind


def test_note_round_trip(services):
    call = services.calls.start("Acme")
    note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen until Q3")
    assert services.calls.notes(call.id) == (note,)
