"""Following the disk: OS change notifications per root, coalesced into batches."""
