// The bench's reference: what a k6 user writes for "N requests per second to one URL", with no
// gameday in it. gameday's burst is measured against this script in `npm run bench`.
//   k6 run -e RATE=2000 -e DURATION=20s -e BASE_URL=http://127.0.0.1:8080 bench/bare-k6.js
// VUS and MAX_VUS (default 100 and 600): the bench passes the pool gameday's burst gets for the
// same rate and measured latency, so the two differ only in the script and gameday's flags.
import http from 'k6/http';

export const options = {
  discardResponseBodies: true,
  scenarios: {
    bare: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE),
      timeUnit: '1s',
      duration: __ENV.DURATION,
      preAllocatedVUs: Number(__ENV.VUS || 100),
      maxVUs: Number(__ENV.MAX_VUS || 600),
    },
  },
};

const url = `${__ENV.BASE_URL}/items/bare`;

export default function () {
  http.get(url);
}
