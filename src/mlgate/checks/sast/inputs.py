"""Recognising reads of user input: request attributes, request methods, extra sources."""

from __future__ import annotations

import ast

from mlgate.checks.sast.frame import Frame
from mlgate.checks.sast.labels import EMPTY, Taint, source
from mlgate.checks.sast.rules.sources import (
    REQUEST_ATTRIBUTES,
    REQUEST_GLOBALS,
    REQUEST_METHODS,
)
from mlgate.checks.sast.state import State


def is_request_object(node: ast.expr, state: State, frame: Frame) -> bool:
    """A framework request: a handler parameter, ``self.request``, or ``flask.request``."""
    if isinstance(node, ast.Name) and node.id in frame.function.request_params:
        return True
    if frame.qualify(node, state) in REQUEST_GLOBALS:
        return True
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "request"
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
        and frame.function.is_method
    )


def attribute_source(node: ast.Attribute, state: State, frame: Frame) -> Taint:
    """Taint of ``request.args`` and friends; empty for anything else."""
    if node.attr in REQUEST_ATTRIBUTES and is_request_object(node.value, state, frame):
        return source(frame.source(node, f"request.{node.attr}"))
    if not frame.rules.sources:
        return EMPTY
    qualname = frame.qualify(node, state)
    if qualname is not None and qualname in frame.rules.sources:
        return source(frame.source(node, frame.rules.sources[qualname].description))
    return EMPTY


def call_source(node: ast.Call, state: State, frame: Frame) -> Taint:
    """Taint of ``request.get_json()``, ``await request.body()``, ``input()``..."""
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in REQUEST_METHODS
        and is_request_object(func.value, state, frame)
    ):
        return source(frame.source(node, f"request.{func.attr}()"))
    qualname = frame.qualify(func, state)
    if qualname is not None and qualname in frame.rules.sources:
        return source(frame.source(node, frame.rules.sources[qualname].description))
    return EMPTY


def name_source(node: ast.Name, state: State, frame: Frame) -> Taint:
    """Extra sources that are plain names (``sys.argv`` after ``from sys import argv``)."""
    if not frame.rules.sources:
        return EMPTY
    qualname = frame.qualify(node, state)
    if qualname is not None and qualname in frame.rules.sources:
        return source(frame.source(node, frame.rules.sources[qualname].description))
    return EMPTY
