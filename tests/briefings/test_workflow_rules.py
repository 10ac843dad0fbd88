"""The workflow rules read as data: what users are told after each action."""
from briefings import workflow


def test_every_action_has_a_message_that_reads_as_japanese():
    # the label + 「しました」 gave 「下書きに戻すしました」
    assert set(workflow.DONE) == set(workflow.Action)
    assert all(message.endswith("ました") and "すしました" not in message for message in workflow.DONE.values())
