# SPDX-License-Identifier: GPL-2.0
# A terminal program as a user sees it: a shell in a tmux window of its
# own server (the caller defines tm(), e.g. tm() { tmux -L "x-$$" "$@"; }),
# keys sent, the screen read back.  Sourced after tap.bash.

screen() { tm capture-pane -p -t w; }

# wait_screen SECONDS ERE: until the screen matches, or fail, leaving what
# was there instead as TAP comments for the log.
wait_screen() {
	local end=$((SECONDS + $1))
	while [ $SECONDS -lt $end ]; do
		screen | grep -qE "$2" && return 0
		sleep 0.2
	done
	screen | sed 's/^/# | /'
	return 1
}

# start_shell COLUMNS LINES: a bare bash in window w, once its prompt shows.
start_shell() {
	tm kill-server 2>/dev/null
	tm -f /dev/null new-session -d -s w -x "$1" -y "$2" \
		"env -i PATH=$PATH HOME=/root TERM=tmux-256color LANG=C.UTF-8 PS1='PROMPT\$ ' bash --norc --noprofile"
	tm set-option -g status off
	wait_screen 5 'PROMPT\$'
}
