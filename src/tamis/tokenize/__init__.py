"""`tamis tokenize`: a cleaned corpus to token ids in the formats training stacks read.

One module a job: :mod:`.tokenizer` loads a tokenizer file and frames each document's ids,
:mod:`.formats` writes (and reads back) Megatron, datatrove and dolma-style shards,
:mod:`.task` tokenizes one input shard, :mod:`.job` plans, runs and resumes a whole run,
:mod:`.counts` assembles ``tokens.json`` and :mod:`.verify` checks a finished output against
its inputs.
"""
