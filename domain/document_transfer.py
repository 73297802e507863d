"""Values of the transfer note (案件移送函): the transfer, the sending and receiving bodies,
and the direction in the words of the form. One note per transfer (subject_id = its id)."""

from __future__ import annotations

from models import Case
from models.enums import TransferDirection

DIRECTION_WORDS = {
    TransferDirection.DOWN.value: "移交下级调解组织调解",
    TransferDirection.UP.value: "报送上级调解组织调解",
    TransferDirection.ACROSS.value: "移交其他调解组织调解",
    TransferDirection.OUT.value: "移送有关机关依法处理",
}


def transfer_note_context(case: Case, transfer_id: int) -> dict:
    transfer = next((t for t in case.transfers if t.id == transfer_id), None)
    if transfer is None:
        raise LookupError(transfer_id)
    sender = transfer.from_org
    return {
        "transfer": transfer,
        "sender_name": sender.name if sender else "",
        "sender_phone": (sender.phone or "") if sender else "",
        "receiver_name": transfer.to_name or (transfer.to_org.name if transfer.to_org else ""),
        "direction_words": DIRECTION_WORDS.get(transfer.direction, ""),
        "sent_by_name": transfer.sent_by.name if transfer.sent_by else "",
        "note_number": f"{case.number}-{transfer.id}",
    }
