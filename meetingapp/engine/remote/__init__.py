"""Scale-out: recordings processed by Celery workers on other machines.

The submitting library keeps its database and runs the stages that need it
(naming known voices, minutes, storing, indexing); a worker runs the ones that
need only the audio and the models (:data:`meetingapp.engine.pipeline.COMPUTE_STAGES`)
with its own models, and sends their artifacts back. The meeting is stored by
the submitter's job, so it lands in the library exactly once however many
times a task is delivered.
"""
