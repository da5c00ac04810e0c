"""Rasa's ``SpacyNLP``, with the pipeline loaded once per process.

Rasa 3.6 builds two graph nodes from ``SpacyNLP`` (one provides the model, one runs it on the
messages), and each calls ``spacy.load``: two copies of the pipeline and its word vectors in
every Rasa process. This one loads through :func:`assistant.language.load_pipeline`, cached per
process, so both nodes and the safety override (which takes the model from this component)
share one copy.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.nlu.utils.spacy_utils import SpacyNLP as RasaSpacyNLP
from rasa.shared.exceptions import InvalidConfigException

from assistant.language import load_pipeline


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SharedSpacyNLP",
)
class SharedSpacyNLP(RasaSpacyNLP):
    """``SpacyNLP`` whose pipeline (with its word vectors) is one object per process."""

    @staticmethod
    def load_model(spacy_model_name: str) -> SpacyModel:
        if not spacy_model_name:
            raise InvalidConfigException("SharedSpacyNLP needs `model`: the path of the spaCy pipeline")
        try:
            language = load_pipeline(str(spacy_model_name))
        except FileNotFoundError as error:
            raise InvalidConfigException(str(error)) from error
        return SpacyModel(model=language, model_name=spacy_model_name)
