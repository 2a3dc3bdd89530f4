// couchdb-bootstrap deploying a bootstrap source object (JSON file) to a
// server, for bench_deploy: node bench_deploy_bootstrap.js URL FILE
// (NODE_PATH names the node_modules holding couchdb-bootstrap).
const fs = require('fs')
const bootstrap = require('couchdb-bootstrap')

const [url, file] = process.argv.slice(2)
const source = JSON.parse(fs.readFileSync(file, 'utf8'))
bootstrap(url, source, { concurrency: 100 }, function (error) {
  if (error) {
    console.error(error)
    process.exitCode = 1
  }
})
