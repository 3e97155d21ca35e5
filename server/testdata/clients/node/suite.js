// darner's node-redis and redis-om suite, run by server/node_test.go against a darner it
// starts: node suite.js <port>. Prints "ok" when every check passes.
import assert from 'node:assert/strict'
import { createClient, SCHEMA_FIELD_TYPE } from 'redis'
import { createClient as createClient4 } from 'redis4'
import { Repository, Schema } from 'redis-om'

const url = `redis://127.0.0.1:${process.argv[2]}`

// node-redis 6, in RESP2 and RESP3 (its search replies in RESP3 are marked unstable and
// need the option that accepts them).
for (const RESP of [2, 3]) {
  const client = createClient({ url, RESP, unstableResp3: true })
  await client.connect()
  await client.flushAll()
  const cities = [['city:1', 'London', 8.8, 'Europe'], ['city:2', 'Athens', 3.1, 'Europe'],
    ['city:3', 'Tel-Aviv', 1.3, 'Asia'], ['city:4', 'Hyderabad', 9.8, 'Asia']]
  for (const [key, name, population, continent] of cities) {
    assert.equal(await client.hSet(key, { name, population, continent }), 3)
  }
  assert.equal(await client.ft.create('cities', {
    name: SCHEMA_FIELD_TYPE.TEXT,
    population: { type: SCHEMA_FIELD_TYPE.NUMERIC, SORTABLE: true },
    continent: SCHEMA_FIELD_TYPE.TAG,
  }, { ON: 'HASH', PREFIX: 'city:' }), 'OK')
  assert.deepEqual(await client.ft._list(), ['cities'])

  const europe = await client.ft.search('cities', '@continent:{Europe}', {
    SORTBY: { BY: 'population', DIRECTION: 'DESC' }, LIMIT: { from: 0, size: 1 }, RETURN: ['name', 'population'],
  })
  check(RESP, europe, 2, [['city:1', { population: '8.8', name: 'London' }]])
  const asia = await client.ft.search('cities', '@population:[0 5] @continent:{$c}', {
    PARAMS: { c: 'Asia' }, RETURN: ['name'], DIALECT: 2,
  })
  check(RESP, asia, 1, [['city:3', { name: 'Tel-Aviv' }]])
  const paged = await client.ft.search('cities', '*', { SORTBY: 'population', LIMIT: { from: 1, size: 2 }, RETURN: ['name'] })
  check(RESP, paged, 4, [['city:2', { name: 'Athens' }], ['city:1', { name: 'London' }]])
  const none = await client.ft.search('cities', '@continent:{Antarctica}')
  check(RESP, none, 0, [])

  // FT.AGGREGATE through node-redis' builder: groups with reducers, sorted; a cursor.
  const groups = await client.ft.aggregate('cities', '*', {
    STEPS: [
      { type: 'GROUPBY', properties: '@continent', REDUCE: [
        { type: 'COUNT', AS: 'n' }, { type: 'SUM', property: '@population', AS: 'pop' }] },
      { type: 'SORTBY', BY: { BY: '@pop', DIRECTION: 'DESC' } },
    ],
  })
  assert.equal(Number(groups.total), 2, `RESP${RESP} aggregate total`)
  assert.deepEqual(groups.results.map((r) => ({ ...r })), [
    { continent: 'Europe', n: '2', pop: '11.9' }, { continent: 'Asia', n: '2', pop: '11.1' },
  ], `RESP${RESP} aggregate rows`)
  const first = await client.ft.aggregateWithCursor('cities', '*', { LOAD: ['@name'], COUNT: 3 })
  assert.equal(first.results.length, 3, `RESP${RESP} cursor page`)
  assert.notEqual(Number(first.cursor), 0)
  const rest = await client.ft.cursorRead('cities', first.cursor)
  assert.equal(rest.results.length, 1, `RESP${RESP} cursor rest`)
  assert.equal(Number(rest.cursor), 0)

  const info = await client.ft.info('cities')
  assert.equal(info.index_name, 'cities')
  assert.equal(Number(info.num_docs), 4)
  assert.deepEqual(info.attributes.map((a) => String(a.attribute)), ['name', 'population', 'continent'])

  // JSON documents, a JSON index, tags from an array, and a KNN query over HASH blobs.
  const issue = { author: 'alice', title: 'Search is slow', tags: ['important', 'perf'], votes: 3 }
  assert.equal(await client.json.set('issue:1', '$', issue), 'OK')
  assert.deepEqual(await client.json.get('issue:1'), issue)
  await client.ft.create('issues', {
    '$.author': { type: SCHEMA_FIELD_TYPE.TAG, AS: 'author' },
    '$.title': { type: SCHEMA_FIELD_TYPE.TEXT, AS: 'title' },
    '$.tags[*]': { type: SCHEMA_FIELD_TYPE.TAG, AS: 'tags' },
    '$.votes': { type: SCHEMA_FIELD_TYPE.NUMERIC, AS: 'votes' },
  }, { ON: 'JSON', PREFIX: 'issue:' })
  const found = await client.ft.search('issues', '@tags:{important} @votes:[1 5]', { RETURN: ['author'], DIALECT: 2 })
  check(RESP, found, 1, [['issue:1', { author: 'alice' }]])

  const vec = (xs) => Buffer.from(new Float32Array(xs).buffer)
  for (const [key, xs] of [['v:1', [1, 0]], ['v:2', [0, 1]], ['v:3', [0.9, 0.1]]]) {
    await client.hSet(key, { v: vec(xs) })
  }
  await client.ft.create('vecs', {
    v: { type: SCHEMA_FIELD_TYPE.VECTOR, ALGORITHM: 'HNSW', TYPE: 'FLOAT32', DIM: 2, DISTANCE_METRIC: 'L2' },
  }, { ON: 'HASH', PREFIX: 'v:' })
  const knn = await client.ft.search('vecs', '*=>[KNN 2 @v $q AS d]', {
    PARAMS: { q: vec([1, 0]) }, SORTBY: 'd', RETURN: ['d'], DIALECT: 2,
  })
  assert.equal(Number(knn.total), 2)
  assert.deepEqual(knn.documents.map((d) => d.id), ['v:1', 'v:3'], `RESP${RESP} KNN`)
  assert.ok(Math.abs(Number(knn.documents[1].value.d) - 0.02) < 1e-6, `RESP${RESP} distance ${knn.documents[1].value.d}`)
  await client.quit()
}

// check compares an FT.SEARCH reply as node-redis parses it with the total and documents
// expected (id and the returned fields).
function check (RESP, reply, total, docs) {
  assert.equal(Number(reply.total), total, `RESP${RESP} total`)
  assert.deepEqual(reply.documents.map((d) => [d.id, { ...d.value }]), docs, `RESP${RESP} documents`)
}

// redis-om 0.4.7, with the node-redis 4 it is written for: schema, createIndex, save,
// fetch, the search builder (equals, contains, between, match, sortBy, page, count), remove.
{
  const client = createClient4({ url })
  await client.connect()
  await client.flushAll()
  const schema = new Schema('album', {
    artist: { type: 'string' },
    title: { type: 'text', sortable: true },
    year: { type: 'number', sortable: true },
    genres: { type: 'string[]' },
  }, { dataStructure: 'JSON' })
  const albums = new Repository(schema, client)
  await albums.createIndex()
  const data = [
    ['1', 'Mushroomhead', 'XIII', 2003, ['metal']],
    ['2', 'Mushroomhead', 'Savior Sorrow', 2006, ['metal', 'industrial']],
    ['3', 'Mushroomhead', 'Beautiful Stories for Ugly Children', 2010, ['metal']],
    ['4', 'Ghost', 'Opus Eponymous', 2010, ['rock', 'metal']],
    ['5', 'Ghost', 'Meliora', 2015, ['rock']],
  ]
  for (const [id, artist, title, year, genres] of data) {
    await albums.save(id, { artist, title, year, genres })
  }
  const fetched = await albums.fetch('4')
  assert.equal(fetched.title, 'Opus Eponymous')
  assert.deepEqual(fetched.genres, ['rock', 'metal'])

  const titles = (list) => list.map((a) => a.title)
  assert.deepEqual(titles(await albums.search().where('artist').equals('Ghost').sortBy('year').return.all()),
    ['Opus Eponymous', 'Meliora'])
  assert.deepEqual(titles(await albums.search().where('genres').contains('industrial').return.all()), ['Savior Sorrow'])
  assert.deepEqual(titles(await albums.search().where('year').between(2005, 2010).sortBy('year', 'DESC').return.all()).length, 3)
  assert.deepEqual(titles(await albums.search().where('title').match('stories').return.all()),
    ['Beautiful Stories for Ugly Children'])
  assert.equal(await albums.search().where('genres').contains('metal').return.count(), 4)
  assert.deepEqual(titles(await albums.search().sortBy('year', 'ASC').return.page(1, 2)), ['Savior Sorrow',
    titles(await albums.search().where('year').eq(2010).sortBy('title').return.all())[0]])
  assert.deepEqual((await albums.search().where('year').gt(2010).return.first()).title, 'Meliora')

  await albums.remove('5')
  assert.equal(await albums.search().return.count(), 4)
  assert.equal(await albums.search().where('artist').equals('Ghost').return.count(), 1)
  await client.quit()
}

console.log('ok')
