#!/usr/bin/env python3
"""Evaluates an AuthorizationConfiguration webhook's matchConditions the way the API server
does, with cel-python, for the serve deployment tests (Tests/CLITests/ServeDeploymentTests.swift).

stdin:  {"conditions": [expression, ...], "cases": [{"id", "request": SubjectAccessReviewSpec}, ...]}
stdout: {"compiled": [error or null per expression],
         "results": [{"id", "matched", "error"}, ...]}

Semantics of staging/src/k8s.io/apiserver/pkg/authorization/cel/matcher.go (CELMatcher.Eval):
every expression in order; an evaluation error is collected and the next one evaluated; a
result that is not a bool is an error; the first FALSE returns "not matched" with no error
(so errors before it do not count); no FALSE and any error returns the errors (the
failurePolicy decides); all TRUE matches. `request` is the spec as a plain map, built by the
caller as compile.go convertObjectToUnstructured builds it.
"""
import json
import sys

try:
    import celpy
    from celpy import celtypes
except ImportError as e:  # the Swift test checks for the module before running this
    print(json.dumps({"error": f"cel-python is not installed: {e}"}))
    sys.exit(3)

ENV = celpy.Environment()


def compile_all(expressions):
    programs, errors = [], []
    for expression in expressions:
        try:
            programs.append(ENV.program(ENV.compile(expression)))
            errors.append(None)
        except Exception as e:  # a syntax error: the API server refuses the configuration
            programs.append(None)
            errors.append(f"{expression}: {e}")
    return programs, errors


def evaluate(programs, expressions, request):
    activation = {"request": celpy.json_to_cel(request)}
    errors = []
    for program, expression in zip(programs, expressions):
        try:
            result = program.evaluate(activation)
        except Exception as e:
            errors.append(f"{expression}: {e}")
            continue
        if isinstance(result, Exception):
            errors.append(f"{expression}: {result}")
            continue
        if not isinstance(result, celtypes.BoolType):
            errors.append(f"{expression}: result is {type(result).__name__}, not bool")
            continue
        if not bool(result):
            return {"matched": False, "error": None}
    if errors:
        return {"matched": False, "error": "; ".join(errors)}
    return {"matched": True, "error": None}


def main():
    document = json.load(sys.stdin)
    expressions = document["conditions"]
    programs, compiled = compile_all(expressions)
    results = []
    if all(e is None for e in compiled):
        for case in document["cases"]:
            results.append({"id": case["id"], **evaluate(programs, expressions, case["request"])})
    print(json.dumps({"compiled": compiled, "results": results}))


if __name__ == "__main__":
    main()
