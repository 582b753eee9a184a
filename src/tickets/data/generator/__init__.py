"""Synthetic ticket warehouse generator with planted, recorded ground truth.

``generate(settings)`` writes a silver warehouse (tickets partitioned by created_month,
dimension tables, ground_truth.json) plus bronze exports, reproducibly from the seed.
"""

from tickets.data.generator.pipeline import (
    GenerationReport,
    OutputDirError,
    generate,
    generate_into,
)
from tickets.data.generator.settings import GeneratorSettings

__all__ = ["GenerationReport", "GeneratorSettings", "OutputDirError", "generate", "generate_into"]
