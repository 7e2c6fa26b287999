"""Reading a model's results the same way on QGIS 3.22 and 3.40."""


def child_output(result: dict, child_id: str, model_output: str, child_output_name: str):
    """The value of a child algorithm's output that the model exposes as ``model_output``.

    QGIS 3.22 puts every model output in the results as ``"<child id>:<model output>"``. Models made
    in code on newer QGIS (internal version 2, e.g. 3.40) only expose destination outputs (layers,
    files) that way; a plain value (a count, a folder path string) is then found only in the run's
    ``CHILD_RESULTS``, under the child's own output name."""
    key = f"{child_id}:{model_output}"
    if key in result:
        return result[key]
    return result["CHILD_RESULTS"][child_id][child_output_name]
