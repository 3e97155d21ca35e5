"""redis-py (Debian's python3-redis 4.3) against darner: search and JSON through the
client's own API. Run by TestRedisPy with the server's port; exits non-zero on a mismatch."""
import struct
import sys
import time

import redis
from redis.commands.search.field import NumericField, TagField, TextField, VectorField
from redis.commands.search.indexDefinition import IndexDefinition, IndexType
from redis.commands.search import reducers
from redis.commands.search.aggregation import AggregateRequest, Desc
from redis.commands.search.query import Query

r = redis.Redis(port=int(sys.argv[1]), decode_responses=True)
r.flushall()

cities = [
    ("city:1", "London", 8.8, "Europe"),
    ("city:2", "Athens", 3.1, "Europe"),
    ("city:3", "Tel-Aviv", 1.3, "Asia"),
    ("city:4", "Hyderabad", 9.8, "Asia"),
]
for key, name, pop, cont in cities:
    r.hset(key, mapping={"name": name, "population": pop, "continent": cont})

ft = r.ft("cities")
ft.create_index(
    [TextField("name"), NumericField("population", sortable=True), TagField("continent")],
    definition=IndexDefinition(prefix=["city:"], index_type=IndexType.HASH),
)


def wait(index):
    for _ in range(200):
        if int(index.info()["indexing"]) == 0:
            return
        time.sleep(0.01)
    raise AssertionError("still indexing")


wait(ft)

info = ft.info()
assert info["index_name"] == "cities", info
assert int(info["num_docs"]) == 4, info["num_docs"]

res = ft.search(Query("@continent:{Europe}").sort_by("population", asc=False)
                .paging(0, 1).return_fields("name", "population"))
assert res.total == 2, res.total
assert res.docs[0].id == "city:1", res.docs
assert res.docs[0].name == "London" and res.docs[0].population == "8.8", res.docs[0]

res = ft.search(Query("@population:[$lo $hi]").dialect(2).sort_by("population"),
                query_params={"lo": 0, "hi": 5, "unused": 1})
assert [d.id for d in res.docs] == ["city:3", "city:2"], res.docs

res = ft.search(Query("*").sort_by("population").paging(1, 2))
assert res.total == 4 and [d.id for d in res.docs] == ["city:2", "city:1"], res

res = ft.search(Query("london").with_scores())
assert res.total == 1 and res.docs[0].score > 0, res

res = ft.search(Query("*").no_content().paging(0, 0))
assert res.total == 4 and res.docs == [], res

r.json().set("doc:1", "$", {"title": "Hello world", "tags": ["a", "b"], "n": 3})
assert r.json().get("doc:1", "$.n") == [3]
jft = r.ft("docs")
jft.create_index(
    [TextField("$.title", as_name="title"), TagField("$.tags[*]", as_name="tags"),
     NumericField("$.n", as_name="n")],
    definition=IndexDefinition(prefix=["doc:"], index_type=IndexType.JSON),
)
wait(jft)
res = jft.search(Query("@tags:{b} @n:[1 5]").return_field("title"))
assert res.total == 1 and res.docs[0].title == "Hello world", res

pipe = r.pipeline()
pipe.hset("city:5", mapping={"name": "Lisbon", "population": 0.5, "continent": "Europe"})
pipe.execute_command("FT.SEARCH", "cities", "@continent:{Europe}", "NOCONTENT")
out = pipe.execute()
assert out[1][0] == 3, out

jft.dropindex(delete_documents=True)
assert r.exists("doc:1") == 0

# Vectors, in the forms redisvl and LangChain send.
vft = r.ft("vecs")
vft.create_index(
    [TagField("tag"), VectorField("v", "HNSW", {"TYPE": "FLOAT32", "DIM": 2, "DISTANCE_METRIC": "COSINE",
                                                 "M": 16, "EF_CONSTRUCTION": 200, "EF_RUNTIME": 10, "EPSILON": 0.01})],
    definition=IndexDefinition(prefix=["v:"]),
)
for i, (x, y, tag) in enumerate([(1, 0, "a"), (0.9, 0.1, "b"), (0, 1, "a"), (-1, 0, "b")]):
    r.hset("v:%d" % i, mapping={"tag": tag, "v": struct.pack("<2f", x, y)})
blob = struct.pack("<2f", 1, 0.05)
# redisvl: a filtered KNN with EF_RUNTIME, returning the distance, sorted by it.
res = vft.search(Query("(@tag:{a})=>[KNN 2 @v $vector EF_RUNTIME $EF AS vector_distance]")
                 .return_fields("tag", "vector_distance").sort_by("vector_distance").dialect(2).paging(0, 2),
                 query_params={"vector": blob, "EF": 20})
assert res.total == 2 and [d.id for d in res.docs] == ["v:0", "v:2"], res
assert float(res.docs[0].vector_distance) < 0.01 and abs(float(res.docs[1].vector_distance) - 0.95) < 0.01, res
# LangChain: spaces around =>, AS vector_score.
res = vft.search(Query("* => [KNN 3 @v $vector AS vector_score]").sort_by("vector_score")
                 .return_fields("vector_score").dialect(2), query_params={"vector": blob})
assert [d.id for d in res.docs] == ["v:0", "v:1", "v:2"], res
# redisvl's range form.
res = vft.search(Query("@v:[VECTOR_RANGE $distance_threshold $vector]=>{$YIELD_DISTANCE_AS: vector_distance}")
                 .sort_by("vector_distance").return_fields("vector_distance").dialect(2),
                 query_params={"vector": blob, "distance_threshold": 0.1})
assert [d.id for d in res.docs] == ["v:0", "v:1"], res
# FT.AGGREGATE through the client's builder: GROUPBY with reducers, SORTBY, a cursor.
req = (AggregateRequest("*")
       .group_by("@continent", reducers.count().alias("n"), reducers.sum("@population").alias("pop"),
                 reducers.tolist("@name").alias("names"))
       .sort_by(Desc("@pop")))
rows = ft.aggregate(req).rows
# The cities, and Lisbon (0.5) added by the pipeline above.
assert [row[:6] for row in rows] == [["continent", "Europe", "n", "3", "pop", "12.4"],
                                     ["continent", "Asia", "n", "2", "pop", "11.1"]], rows
assert sorted(rows[1][7]) == ["Hyderabad", "Tel-Aviv"], rows
req = AggregateRequest("*").load("@name").apply(up="upper(@name)").cursor(count=3, max_idle=5.0)
res = ft.aggregate(req)
names = [row[1] for row in res.rows]
assert len(names) == 3 and res.cursor.cid != 0, res.rows
res = ft.aggregate(res.cursor)
names += [row[1] for row in res.rows]
assert res.cursor.cid == 0 and sorted(names) == sorted([c[1] for c in cities] + ["Lisbon"]), names
assert all(row[3] == row[1].upper() for row in res.rows), res.rows
# redisvl's semantic router: the nearest route per name by KNN distance, filtered.
rows = r.execute_command("FT.AGGREGATE", "vecs", "*=>[KNN 4 @v $vector AS vector_distance]",
                         "GROUPBY", "1", "@tag", "REDUCE", "MIN", "1", "vector_distance", "AS", "distance",
                         "FILTER", "(@tag == 'a' && @distance < 0.5) || (@tag == 'b' && @distance < 0.5)",
                         "SORTBY", "2", "@distance", "ASC", "PARAMS", "2", "vector", blob, "DIALECT", "2")
assert [row[1] for row in rows[1:]] == ["a", "b"], rows
assert float(rows[1][3]) < 0.01 and float(rows[2][3]) < 0.05, rows
# redisvl's aggregate query: text scores added, distance turned into a similarity, top 2.
rows = r.execute_command("FT.AGGREGATE", "vecs", "*=>[KNN 3 @v $vector AS vector_distance]",
                         "SCORER", "BM25STD", "ADDSCORES", "LOAD", "2", "__key", "tag",
                         "APPLY", "(2 - @vector_distance)/2", "AS", "vector_similarity",
                         "APPLY", "@__score", "AS", "text_score",
                         "SORTBY", "2", "@vector_similarity", "DESC", "MAX", "2",
                         "PARAMS", "2", "vector", blob, "DIALECT", "2")
got = [dict(zip(row[::2], row[1::2])) for row in rows[1:]]
assert [g["__key"] for g in got] == ["v:0", "v:1"], rows
assert all(0.9 < float(g["vector_similarity"]) <= 1 and "text_score" in g for g in got), rows
info = vft.info()
attr = info["attributes"][1]
assert attr[attr.index("algorithm") + 1] == "HNSW" and attr[attr.index("dim") + 1] == 2, attr
print("ok")
