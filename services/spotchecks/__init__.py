"""双随机、一公开: the three lists (check items, inspectors, entity directories) and the result
categories (lists), plans and their approval (plans), the verifiable draw (draw), inspection
tasks and results, their publication and consequences (tasks, results).
"""
