#!/usr/bin/env python3
"""Evaluates ValidatingAdmissionPolicies the way the API server does, with cel-python, for the
guardrail tests (Tests/GovernanceTests/GuardrailCELTests.swift).

stdin:  {"policies": [ValidatingAdmissionPolicy, ...],
         "cases": [{"id", "policy", "operation", "request": {...}, "object": {...}}, ...]}
stdout: [{"id", "applies", "matched", "allowed", "failed": [index, ...], "messages": [...], "error"}, ...]

Per case, in the API server's order: matchConstraints.resourceRules (resource and operation),
then every matchCondition (any false skips the policy), then spec.variables in order (bound as
`variables.NAME`), then each validation (false = failed, messageExpression evaluated). A CEL
error with failurePolicy Fail rejects, as the API server does.

Objects are plain maps, as the API server hands them to CEL (objectToResolveVal converts to
unstructured): a key that is a CEL reserved word (`namespace`) is read by index, never renamed.
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
PROGRAMS = {}


def program(expression):
    if expression not in PROGRAMS:
        PROGRAMS[expression] = ENV.program(ENV.compile(expression))
    return PROGRAMS[expression]


class CELError(Exception):
    pass


def evaluate(expression, activation):
    try:
        result = program(expression).evaluate(activation)
    except Exception as e:  # parse, type and runtime errors alike
        raise CELError(f"{expression[:80]}…: {e}")
    if isinstance(result, Exception):
        raise CELError(f"{expression[:80]}…: {result}")
    return result


def applies(spec, case):
    for rule in spec.get("matchConstraints", {}).get("resourceRules", []):
        resource = case["request"]["resource"]["resource"]
        if (resource in rule.get("resources", []) or "*" in rule.get("resources", [])) and \
                (case["operation"] in rule.get("operations", []) or "*" in rule.get("operations", [])):
            return True
    return False


def run(policy, case):
    spec = policy["spec"]
    out = {"id": case["id"], "applies": False, "matched": False, "allowed": True, "failed": [], "messages": [], "error": None}
    if not applies(spec, case):
        return out
    out["applies"] = True
    activation = {
        "object": celpy.json_to_cel(case.get("object")) if case.get("object") is not None else None,
        "oldObject": celpy.json_to_cel(case.get("oldObject")) if case.get("oldObject") is not None else None,
        "request": celpy.json_to_cel(case["request"]),
    }
    try:
        for condition in spec.get("matchConditions", []):
            if not evaluate(condition["expression"], activation):
                return out
        out["matched"] = True
        variables = {}
        for variable in spec.get("variables", []):
            activation["variables"] = celtypes.MapType(variables)
            variables[celtypes.StringType(variable["name"])] = evaluate(variable["expression"], activation)
        activation["variables"] = celtypes.MapType(variables)
        for i, validation in enumerate(spec.get("validations", [])):
            if not evaluate(validation["expression"], activation):
                out["failed"].append(i)
                out["messages"].append(str(evaluate(validation["messageExpression"], activation))
                                       if "messageExpression" in validation else validation.get("message", ""))
    except CELError as e:
        out["error"] = str(e)
        out["allowed"] = spec.get("failurePolicy", "Fail") != "Fail"
        return out
    out["allowed"] = not out["failed"]
    return out


def main():
    document = json.load(sys.stdin)
    policies = {p["metadata"]["name"]: p for p in document["policies"]}
    print(json.dumps([run(policies[c["policy"]], c) for c in document["cases"]]))


if __name__ == "__main__":
    main()
