// The issue tracker of "Announcing Dragonfly Search", with node-redis and redis-om, run
// against darner: issues are JSON documents with their comments; an index over their
// author, title, creation time, tags, everyone who took part ($..author), the number of
// comments (length($.comments)) and the time of the last comment (max($.comments[*].updated));
// then "issues by alice tagged important, most recently updated first".
//
//   go run .                                    # in the repository root: darner on :6379
//   cd examples/issue-tracker && npm ci && REDIS_URL=redis://127.0.0.1:6379 node index.js
import { createClient } from 'redis'
import { Repository, Schema } from 'redis-om'

const redis = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' })
redis.on('error', (err) => { console.error('redis:', err.message) })
await redis.connect()

// The schema, as redis-om declares it. The two path functions go in as paths: redis-om
// puts a field's path into FT.CREATE as it is, so the index gets length() and max().
const schema = new Schema('issue', {
  author: { type: 'string', path: '$.author' },
  title: { type: 'text' },
  created: { type: 'number', sortable: true },
  tags: { type: 'string[]', path: '$.tags[*]' },
  participant: { type: 'string[]', path: '$..author' },
  num_comments: { type: 'number', path: 'length($.comments)' },
  last_updated: { type: 'number', path: 'max($.comments[*].updated)', sortable: true },
}, { dataStructure: 'JSON' })
const issues = new Repository(schema, redis)

// Start from nothing, so that the example can run again.
for (const key of await redis.keys('issue:*')) await redis.del(key)
await issues.dropIndex()
await issues.createIndex()

const data = [
  { id: '1', author: 'alice', title: 'Search is slow on large indexes', created: 1000, tags: ['important', 'perf'],
    comments: [{ author: 'bob', text: 'Which query?', updated: 1100 }, { author: 'alice', text: 'A prefix query.', updated: 1500 }] },
  { id: '2', author: 'alice', title: 'Crash when a vector has the wrong length', created: 2000, tags: ['important', 'bug'],
    comments: [{ author: 'carol', text: 'Reproduced.', updated: 2600 }] },
  { id: '3', author: 'alice', title: 'Document the TAG separator', created: 3000, tags: ['docs'],
    comments: [{ author: 'dave', text: 'Agreed.', updated: 3100 }] },
  { id: '4', author: 'bob', title: 'Support GEO queries in JSON', created: 4000, tags: ['important'],
    comments: [] },
  { id: '5', author: 'alice', title: 'Index aliases', created: 5000, tags: ['important', 'feature'],
    comments: [{ author: 'erin', text: 'Planned.', updated: 5200 }, { author: 'bob', text: 'Soon?', updated: 5300 }, { author: 'erin', text: 'Next.', updated: 5400 }] },
]
// redis-om's save writes the document under issue:<id> with JSON.SET.
for (const { id, ...issue } of data) {
  await issues.save(id, { ...issue })
}

// "Issues by alice tagged important, most recently updated first."
const found = await issues.search()
  .where('author').equals('alice')
  .and('tags').contains('important')
  .sortBy('last_updated', 'DESC')
  .return.all()
console.log('issues by alice tagged important, most recently updated first:')
for (const issue of found) {
  const last = Math.max(...issue.comments.map((c) => c.updated))
  console.log(`  ${issue.title} (created ${issue.created}, ${issue.comments.length} comments, last updated ${last})`)
}

// The index the schema made, as FT.INFO shows it: each attribute's identifier and type.
const info = await redis.ft.info(schema.indexName)
console.log(`\nthe index redis-om created (FT.INFO ${schema.indexName}):`)
for (const a of info.attributes) {
  console.log(`  ${a.identifier} AS ${a.attribute} ${a.type}${a.SORTABLE ? ' SORTABLE' : ''}`)
}

// The path functions answer queries of their own: issues someone took part in, and
// issues with more than one comment, by the number of comments.
const bob = await redis.ft.search(schema.indexName, '@participant:{bob}', { SORTBY: 'created', RETURN: ['title'] })
console.log(`\nissues bob took part in: ${bob.documents.map((d) => d.value.title).join('; ')}`)
const busy = await redis.ft.search(schema.indexName, '@num_comments:[2 +inf]',
  { SORTBY: { BY: 'created', DIRECTION: 'ASC' }, RETURN: ['title', 'num_comments'] })
console.log(`issues with 2 comments or more: ${busy.documents.map((d) => `${d.value.title} (${d.value.num_comments})`).join('; ')}`)

await redis.quit()
