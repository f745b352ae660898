#!/bin/sh
set -eu
# 本番デプロイ用スクリプト
export GITHUB_TOKEN=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
git clone https://github.com/example-org/shop.git /srv/shop
curl -s -H "Authorization: token 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" https://api.github.com/repos/example-org/shop/releases/latest
curl -X POST -H 'Content-type: application/json' --data '{"text":"deploy done"}' https://hooks.slack.com/services/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
echo "done"
