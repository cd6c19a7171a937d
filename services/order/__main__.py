"""``python -m services.order [--host H] [--port P] [--db URL]``"""

from accord.runtime.http import serve, serve_args
from services.order.app import NAME, create_app

args = serve_args(NAME)
serve(create_app(args.db), args.host, args.port)
