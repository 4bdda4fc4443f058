"""The review rubric: category weights, the weighted total and the pass rule."""
