"""Structured replies: the versioned block vocabulary, the URL policy, and the builder."""

from .build import Brain, blocks_of
from .urls import UrlPolicy
from .vocabulary import BLOCKS_VERSION, Block

__all__ = ["BLOCKS_VERSION", "Block", "Brain", "UrlPolicy", "blocks_of"]
