module gameday.local/k6-build

go 1.25.0

require go.k6.io/k6/v2 v2.2.0
